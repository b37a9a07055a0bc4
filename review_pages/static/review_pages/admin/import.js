// The admin's import page: refuse, before uploading, more files than one upload may hold
// (the server refuses them too, but only once they are all sent).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-review-import]");
  if (!form) return;
  const input = form.querySelector('input[type="file"][name="files"]');
  const error = form.querySelector("[data-review-import-error]");
  const maxFiles = Number(form.dataset.maxFiles);
  form.addEventListener("submit", (event) => {
    const count = input ? input.files.length : 0;
    if (maxFiles && count > maxFiles) {
      event.preventDefault();
      error.textContent = `${count} files are more than one upload may hold (at most ${maxFiles}): import them in several uploads.`;
      error.hidden = false;
    }
  });
});
