// The printable day list's "Print" button (kept out of the page: the CSP forbids inline handlers).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print-page]")) {
    window.print();
  }
});
