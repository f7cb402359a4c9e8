// A small editor for ballot comments: bold, italic and lists, nothing else. It writes the same
// whitelisted markup the server keeps (the textarea's data-comment-tags, from
// voting/ballots/comments.py), so what the member sees while writing is what is stored and shown
// back; the server sanitizes again and says when it had to remove something.

/** Copy `source`'s children into `target`, keeping only whitelisted tags and no attributes. */
function keepAllowed(source, target, allowed) {
  for (const node of source.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      target.append(node.textContent);
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const tag = node.tagName.toLowerCase();
      if (tag === "script" || tag === "style") continue;
      if (allowed.has(tag)) {
        const copy = document.createElement(tag);
        keepAllowed(node, copy, allowed);
        target.append(copy);
      } else {
        keepAllowed(node, target, allowed); // the words stay, the tag goes
        if (tag === "div") target.append(document.createElement("br"));
      }
    }
  }
}

/** `html` reduced to the whitelist, as a fragment (parsed inertly: nothing runs). */
function clean(html, allowed) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createElement("div");
  keepAllowed(parsed.body, out, allowed);
  return out;
}

function attach(textarea, toolbarTemplate) {
  const allowed = new Set((textarea.dataset.commentTags || "").split(" ").filter(Boolean));
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  const area = document.createElement("div");
  area.className = "textarea comment-editor";
  area.contentEditable = "true";
  area.setAttribute("role", "textbox");
  area.setAttribute("aria-multiline", "true");
  area.dataset.commentEditor = textarea.dataset.commentFor;
  if (label) {
    label.id = label.id || `${textarea.id}-label`;
    area.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", (event) => {
      event.preventDefault();
      area.focus();
    });
  }
  for (const name of ["aria-describedby", "aria-invalid", "aria-required"]) {
    if (textarea.hasAttribute(name)) area.setAttribute(name, textarea.getAttribute(name));
  }
  area.replaceChildren(...clean(textarea.value, allowed).childNodes);
  const tools = toolbarTemplate.content.firstElementChild.cloneNode(true);
  const sync = () => {
    textarea.value = clean(area.innerHTML, allowed).innerHTML;
    for (const button of tools.querySelectorAll("[data-command]")) {
      button.setAttribute("aria-pressed", String(document.queryCommandState(button.dataset.command)));
    }
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };
  tools.addEventListener("click", (event) => {
    const button = event.target.closest("[data-command]");
    if (!button) return;
    area.focus();
    document.execCommand(button.dataset.command, false);
    sync();
  });
  area.addEventListener("input", sync);
  area.addEventListener("keyup", sync);
  area.addEventListener("mouseup", sync);
  // A paste keeps the words; the formatting the whitelist allows; nothing else.
  area.addEventListener("paste", (event) => {
    const html = event.clipboardData?.getData("text/html");
    if (!html) return;
    event.preventDefault();
    document.execCommand("insertHTML", false, clean(html, allowed).innerHTML);
    sync();
  });
  // Watch aria-required/-invalid set on the textarea by answer.js.
  new MutationObserver(() => {
    for (const name of ["aria-invalid", "aria-required"]) {
      if (textarea.hasAttribute(name)) area.setAttribute(name, textarea.getAttribute(name));
      else area.removeAttribute(name);
    }
  }).observe(textarea, { attributes: true });
  textarea.hidden = true;
  textarea.before(tools, area);
}

export function attachCommentEditors(form) {
  const toolbar = document.getElementById("comment-toolbar");
  if (!form || !toolbar) return;
  document.execCommand("defaultParagraphSeparator", false, "p");
  form.querySelectorAll("textarea[data-comment-tags]").forEach((t) => attach(t, toolbar));
}
