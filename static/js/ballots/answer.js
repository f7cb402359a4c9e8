// The answer form: show when a comment becomes required (disagree / other opinion) and clear a
// question's error as soon as the member fixes it. The server remains the judge.
import { attachCommentEditors } from "./comment-editor.js";

const form = document.querySelector("[data-answer-form]");
attachCommentEditors(form);

function sync(question) {
  const picked = question.querySelector('input[type="radio"]:checked');
  const comment = question.querySelector("[data-comment-for]");
  if (!comment) return;
  const needed = picked && picked.value !== "agree";
  comment.toggleAttribute("aria-required", Boolean(needed));
  comment.closest(".field")?.classList.toggle("field--required", Boolean(needed));
}

if (form) {
  form.querySelectorAll("[data-question]").forEach((question) => {
    sync(question);
    question.addEventListener("change", () => sync(question));
    question.addEventListener("input", (event) => {
      if (!question.hasAttribute("data-invalid")) return;
      const target = event.target;
      if (target.matches("[data-comment-for]") && target.value.replace(/<[^>]*>/g, "").trim()) {
        target.removeAttribute("aria-invalid");
        question.removeAttribute("data-invalid");
      }
    });
  });
  const firstInvalid = form.querySelector("[data-invalid]");
  if (firstInvalid) {
    firstInvalid.scrollIntoView({ block: "center" });
    (firstInvalid.querySelector('[aria-invalid="true"]') || firstInvalid).focus({ preventScroll: true });
  }
}
