// The decision page's draft editor (secretariat, before the number is issued): summary, legal
// bases, articles and recipients go to PUT /api/v1/records/decisions/<id> with the version the
// page was rendered from; a conflict or invalid field is shown above the form.
import { putJSON } from "../http.js";
import { toast } from "../ui.js";

const form = document.querySelector("[data-decision-form]");

/** Non-empty lines of a textarea. */
function lines(name) {
  return form.elements[name].value.split("\n").map((s) => s.trim()).filter(Boolean);
}

// The sent articles' boxes, so an error on "articles.2.text" names the right field.
let sentBoxes = [];

function articles() {
  const boxes = [...form.querySelectorAll("[data-article]")].filter(
    (box) => box.querySelector("[data-article-heading]").value.trim() || box.querySelector("[data-article-text]").value.trim(),
  );
  sentBoxes = boxes;
  return boxes.map((box) => ({
    heading: box.querySelector("[data-article-heading]").value.trim(),
    text: box.querySelector("[data-article-text]").value.trim(),
  }));
}

/** The label of the control a problem's field path points at, else the path itself. */
function labelOf(path) {
  const [key, index, part] = path.split(".");
  let control = null;
  if (key === "articles" && index !== undefined) {
    control = sentBoxes[Number(index)]?.querySelector(part === "heading" ? "[data-article-heading]" : "[data-article-text]");
  } else {
    control = form.elements[key];
  }
  const label = control?.id && form.querySelector(`label[for="${control.id}"]`);
  if (!label) return path;
  const text = label.cloneNode(true);
  text.querySelectorAll(".field__required, .visually-hidden").forEach((el) => el.remove());
  return text.textContent.trim();
}

/** Every message of a problem's `fields` (nested for articles), as "label: message". */
function fieldMessages(fields, prefix = "") {
  return Object.entries(fields || {}).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) return value.flatMap((m) => (typeof m === "string" ? [`${labelOf(path)}: ${m}`] : fieldMessages(m, path)));
    if (value && typeof value === "object") return fieldMessages(value, path);
    return [`${labelOf(path)}: ${value}`];
  });
}

function showProblem(problem) {
  const box = document.getElementById("decision-problem");
  box.hidden = false;
  box.className = "alert alert--error";
  box.setAttribute("role", "alert");
  const body = document.createElement("div");
  body.className = "alert__body";
  const title = document.createElement("strong");
  title.className = "alert__title";
  title.textContent = problem.title || "";
  body.append(title, document.createTextNode(problem.detail || ""));
  const messages = fieldMessages(problem.fields);
  if (messages.length) {
    const list = document.createElement("ul");
    messages.forEach((m) => {
      const li = document.createElement("li");
      li.textContent = m;
      list.append(li);
    });
    body.append(list);
  }
  box.replaceChildren(body);
  box.scrollIntoView({ block: "center" });
}

if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = {
      version: Number(form.dataset.version),
      summary: form.elements.summary.value.trim(),
      bases: lines("bases"),
      articles: articles(),
      recipients: lines("recipients"),
    };
    const button = form.querySelector("[data-save]");
    button?.setAttribute("aria-busy", "true");
    try {
      await putJSON(form.dataset.saveUrl, data);
    } catch (err) {
      button?.removeAttribute("aria-busy");
      button?.removeAttribute("disabled");
      if (err.status === 0) toast(err.detail, "error");
      else showProblem({ ...err.problem, title: err.title, detail: err.detail });
      return;
    }
    toast(form.dataset.saved, "success");
    // The preview, title and PDF are rendered by the server: show the saved draft.
    window.location.reload();
  });
}
