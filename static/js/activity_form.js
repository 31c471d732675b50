/* Activity form, progressive enhancement (the form works without it):
 * - a search box above the countries and the expected results that hides the choices whose
 *   label does not contain the words typed;
 * - when a region is chosen, only that region's groups of choices are shown (a group with a
 *   ticked choice stays visible, so that nothing ticked is ever hidden).
 */
(function () {
  "use strict";

  function normalize(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var region = document.getElementById("id_region");

  function regionAllows(group) {
    if (!region || !region.value) return true;
    return group.dataset.region === region.value || group.querySelector("input:checked") !== null;
  }

  function refresh(container, query) {
    var words = normalize(query || "").split(/\s+/).filter(Boolean);
    container.querySelectorAll(".choice-group").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("li").forEach(function (item) {
        var text = normalize(item.textContent);
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      group.hidden = shown === 0 || !regionAllows(group);
    });
  }

  document.querySelectorAll("[data-choice-kind]").forEach(function (container, index) {
    var kind = container.dataset.choiceKind;
    var id = "choice-search-" + index;
    var wrapper = document.createElement("div");
    wrapper.className = "field choice-search";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = kind === "countries" ? "Find a country" : "Find an expected result (code or words)";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    var first = container.querySelector(".choice-group");
    if (!first) return;
    container.insertBefore(wrapper, first);

    input.addEventListener("input", function () { refresh(container, input.value); });
    // Enter in the search box would submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    if (region) {
      region.addEventListener("change", function () { refresh(container, input.value); });
    }
    refresh(container, "");
  });
})();
