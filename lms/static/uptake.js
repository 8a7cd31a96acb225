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
