// The report page's print button (the page's CSP allows no inline script).
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
