// Quick exit: without JavaScript the control is a plain link. With it, the page is replaced
// in the history too, so the Back button does not bring this site back.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    document.body.style.display = "none";
    window.location.replace(link.href);
  });
})();
