// Questions asked in a real, accessible <dialog> (never window.confirm / window.prompt): modal,
// labelled by its title, focus kept inside and given back, Escape or "Hủy" answers no.
//
//   import { confirmDialog, askDialog } from "/static/js/dialog.js";
//   if (await confirmDialog("Bế mạc phiên họp?", { title: "Bế mạc", confirmLabel: "Bế mạc", kind: "danger" })) …
//   const reason = await askDialog("Lý do vắng", { title: "Vắng có phép", confirmLabel: "Ghi nhận" }); // null: cancelled

import { fragment } from "./dom.js";
import { t } from "./strings.js";

/** Show `dialog` modally and resolve with its returnValue once it is closed (focus goes back). */
function ask(dialog, first) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const onClose = () => {
      // "close" is dispatched from a queued task: one left over from the previous question can
      // arrive after this one opened. Only a close that leaves the dialog shut answers.
      if (dialog.open) return;
      dialog.removeEventListener("close", onClose);
      const answer = dialog.returnValue;
      // Focus goes back only on cancel: after "ok" the action is on its way, and a button that
      // took focus now would catch the rest of the same Enter press and act a second time.
      if (answer !== "ok") opener?.focus?.();
      resolve(answer);
    };
    dialog.addEventListener("close", onClose);
    dialog.returnValue = "";
    dialog.showModal();
    first?.focus();
  });
}

/** Ask a yes/no question in the shared confirm dialog (base.html); resolves true when confirmed.
 * kind "danger" starts on "Hủy", so a hurried Enter does not end a session. */
export async function confirmDialog(message, { title, confirmLabel, kind = "primary", detail } = {}) {
  const dialog = document.getElementById("confirm-dialog");
  dialog.querySelector(".dialog__title").textContent = title || t("confirm");
  dialog.querySelector("[data-confirm-message]").textContent = message;
  let extra = dialog.querySelector("[data-confirm-detail]");
  if (!extra) {
    extra = document.createElement("p");
    extra.dataset.confirmDetail = "";
    extra.className = "alert alert--warning";
    dialog.querySelector("[data-confirm-message]").after(extra);
  }
  extra.textContent = detail || "";
  extra.hidden = !detail;
  const ok = dialog.querySelector("[data-confirm-ok]");
  const cancel = dialog.querySelector("button[value=cancel]");
  ok.textContent = confirmLabel || t("confirm");
  ok.className = `btn btn--${kind}`;
  dialog.classList.toggle("dialog--danger", kind === "danger");
  const first = kind === "danger" ? cancel : ok;
  ok.toggleAttribute("autofocus", first === ok);
  cancel.toggleAttribute("autofocus", first === cancel);
  return (await ask(dialog, first)) === "ok";
}

function askBox() {
  let dialog = document.getElementById("ask-dialog");
  if (dialog) return dialog;
  dialog = document.createElement("dialog");
  dialog.className = "dialog";
  dialog.id = "ask-dialog";
  dialog.setAttribute("aria-labelledby", "ask-dialog-title");
  dialog.append(
    fragment(`<form class="dialog__form" method="dialog">
    <div class="dialog__header"><h2 class="dialog__title" id="ask-dialog-title"></h2></div>
    <div class="dialog__body"><div class="field"><label class="field__label" for="ask-dialog-input"></label>
      <textarea class="textarea" id="ask-dialog-input" rows="3"></textarea></div></div>
    <div class="dialog__actions">
      <button class="btn btn--secondary" type="submit" value="cancel" formnovalidate></button>
      <button class="btn btn--primary" type="submit" value="ok"></button>
    </div></form>`),
  );
  document.body.append(dialog);
  return dialog;
}

/** Ask for a short text (a reason, a note); resolves with the trimmed text, or null if cancelled. */
export async function askDialog(label, { title, confirmLabel, value = "", maxLength = 300, required = false } = {}) {
  const dialog = askBox();
  dialog.querySelector(".dialog__title").textContent = title || label;
  dialog.querySelector("label").textContent = label;
  const input = dialog.querySelector("textarea");
  input.value = value;
  input.maxLength = maxLength;
  input.required = required;
  dialog.querySelector("button[value=cancel]").textContent = t("cancel");
  dialog.querySelector("button[value=ok]").textContent = confirmLabel || t("confirm");
  return (await ask(dialog, input)) === "ok" ? input.value.trim() : null;
}
