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

// On a phone or a tablet the main menu folds behind its Menu button (uptake.css, below
// 960px). Without this script nothing folds: the class "js" is what lets the stylesheet hide it.
document.documentElement.classList.add("js");
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) {
    return;
  }
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  document.getElementById(toggle.getAttribute("aria-controls")).classList.toggle("open", open);
});

// Dropdowns (<details class="dropdown">: the account menu, Admin) open and close by themselves,
// keyboard included; this closes an open one on Escape (back to its summary) or on a click
// elsewhere, and keeps one open at a time.
function closeDropdowns(except) {
  for (const open of document.querySelectorAll("details.dropdown[open]")) {
    if (open !== except) {
      open.open = false;
    }
  }
}
document.addEventListener("click", (event) => {
  closeDropdowns(event.target.closest("details.dropdown"));
});
document.addEventListener("keydown", (event) => {
  const open = event.key === "Escape" && event.target.closest("details.dropdown[open]");
  if (open) {
    open.open = false;
    open.querySelector("summary").focus();
  }
});

// Tables reflow into cards on a phone (uptake.css, below 600px): each cell is labelled with
// its column's heading, read from the table's own header row.
document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table")) {
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    if (!headings.length) {
      continue;
    }
    table.classList.add("reflows");
    for (const row of table.querySelectorAll("tbody tr")) {
      let column = 0;
      for (const cell of row.children) {
        if (headings[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", headings[column]);
        }
        column += cell.colSpan || 1;
      }
    }
  }
});
