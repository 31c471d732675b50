/* Filters that fold on a narrow screen (progressive enhancement: without it they stay open).
 *
 * The server renders each `details.filters-fold` open; one marked `data-fold-narrow` (no
 * filter in use, none in error) folds here when the screen is narrow, so that the list comes
 * first. On a wide screen the filters are always open (the stylesheet hides their summary).
 * Loaded right after the form, not deferred, so the filters fold before the page is shown.
 */
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 40rem)");

  function fold() {
    document.querySelectorAll("details.filters-fold").forEach(function (details) {
      if (!narrow.matches) {
        details.open = true;
      } else if (details.hasAttribute("data-fold-narrow")) {
        details.open = false;
      }
    });
  }

  fold();
  narrow.addEventListener("change", fold);
})();
