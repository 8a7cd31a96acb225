// What pages ask for with data- attributes. There is no inline script anywhere, so the
// Content-Security-Policy can forbid it: data (a person's name, say) never becomes code.

// <form data-confirm="…">: ask before submitting.
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// <a data-print>: print the page.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});

// <span class="copy-field"> with a [data-copy] button: copy its box's value to the clipboard
// (selected for Ctrl+C where the clipboard API is not offered, as on plain http off localhost).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  const field = button.closest(".copy-field");
  const box = field.querySelector("input");
  const said = field.querySelector(".copied");
  box.select();
  try {
    await navigator.clipboard.writeText(box.value);
    said.textContent = "Copied";
  } catch {
    said.textContent = "Selected: press Ctrl+C (⌘C) to copy";
  }
});
