// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
