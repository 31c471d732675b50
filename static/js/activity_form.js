/* Activity form, progressive enhancement (the form works without it: every box is there, the
 * groups fold and unfold as <details>). Above the countries and above the expected results:
 * - the ticked choices as chips, each with a button that unticks it, so that what is chosen
 *   stays in view whatever the search shows (a chip's text is its choice's `data-chip`);
 * - a search box that shows the choices whose label or `data-search` (a country's other
 *   names: "Vietnam", "Laos", "Turkey") holds every word typed, accents and case aside, and
 *   unfolds the groups that have some; clearing it folds them back as they were.
 * When a region is chosen, only that region's groups of choices are shown (a group with a
 * ticked choice stays visible, so that nothing ticked is ever hidden).
 */
(function () {
  "use strict";

  var WORDS = {
    countries: {
      chosen: "Countries chosen",
      none: "No country chosen yet.",
      find: "Find a country",
      matches: function (n) { return n === 1 ? "1 country matches." : n + " countries match."; },
    },
    results: {
      chosen: "Expected results chosen",
      none: "No expected result chosen yet.",
      find: "Find an expected result (code or words)",
      matches: function (n) { return n === 1 ? "1 expected result matches." : n + " expected results match."; },
    },
  };

  function normalize(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  var region = document.getElementById("id_region");

  function regionAllows(group) {
    if (!region || !region.value) return true;
    return group.dataset.region === region.value || group.querySelector("input:checked") !== null;
  }

  function enhance(container, index) {
    var groups = Array.prototype.slice.call(container.querySelectorAll(".choice-group"));
    if (!groups.length) return;
    var words = WORDS[container.dataset.choiceKind] || WORDS.countries;

    // The chips: what is ticked, in the form's order.
    var chosen = element("div", "chosen");
    var title = element("p", "chosen-title", words.chosen);
    title.id = "chosen-title-" + index;
    var chips = element("ul", "chips");
    chips.setAttribute("aria-labelledby", title.id);
    var none = element("p", "chosen-none", words.none);
    var status = element("p", "visually-hidden");
    status.setAttribute("role", "status");
    chosen.appendChild(title);
    chosen.appendChild(chips);
    chosen.appendChild(none);
    chosen.appendChild(status);

    // The search box.
    var search = element("div", "field choice-search");
    var label = element("label", "", words.find);
    var input = element("input");
    input.type = "search";
    input.id = "choice-search-" + index;
    input.autocomplete = "off";
    label.htmlFor = input.id;
    search.appendChild(label);
    search.appendChild(input);

    container.insertBefore(chosen, groups[0]);
    container.insertBefore(search, groups[0]);

    function chipText(item) {
      return item.dataset.chip || item.querySelector("label").textContent.replace(/\s+/g, " ").trim();
    }

    function showChosen() {
      chips.textContent = "";
      var ticked = container.querySelectorAll(".choices input:checked");
      Array.prototype.forEach.call(ticked, function (box) {
        var item = box.closest("li");
        var text = chipText(item);
        var chip = element("li", "chip");
        var name = element("span", "chip-text", text);
        name.title = item.querySelector("label").title || text;
        var remove = element("button", "chip-remove", "×");
        remove.type = "button";
        remove.dataset.box = box.id;
        remove.setAttribute("aria-label", "Remove " + text);
        chip.appendChild(name);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = ticked.length === 0;
      none.hidden = ticked.length !== 0;
      groups.forEach(function (group) {
        var count = group.querySelector(".choice-count");
        if (!count) return;
        var boxes = group.querySelectorAll(".choices input[type=checkbox]");
        var n = group.querySelectorAll(".choices input:checked").length;
        count.textContent = n + " of " + boxes.length + " ticked";
      });
    }

    // The groups' open state before a search, given back when the search is cleared.
    var openBefore = null;

    function refresh() {
      var query = normalize(input.value).split(/\s+/).filter(Boolean);
      if (query.length && openBefore === null) {
        openBefore = groups.map(function (group) { return group.open; });
      }
      var matches = 0;
      groups.forEach(function (group, at) {
        var shown = 0;
        group.querySelectorAll(".choices li").forEach(function (item) {
          var text = normalize(item.textContent + " " + (item.dataset.search || ""));
          var match = query.every(function (word) { return text.indexOf(word) !== -1; });
          item.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0 || !regionAllows(group);
        if (!group.hidden) matches += shown;
        if (query.length) {
          group.open = shown > 0;
        } else if (openBefore !== null) {
          group.open = openBefore[at] || group.querySelector("input:checked") !== null;
        }
      });
      if (!query.length) openBefore = null;
      return query.length ? words.matches(matches) : "";
    }

    chips.addEventListener("click", function (event) {
      var remove = event.target.closest(".chip-remove");
      if (!remove) return;
      var box = document.getElementById(remove.dataset.box);
      var text = chipText(box.closest("li"));
      var at = Array.prototype.indexOf.call(chips.querySelectorAll(".chip-remove"), remove);
      box.checked = false;
      box.dispatchEvent(new Event("change", { bubbles: true }));
      // The focus goes to the next chip (or the one before), else to the search box.
      var left = chips.querySelectorAll(".chip-remove");
      (left[Math.min(at, left.length - 1)] || input).focus();
      status.textContent = text + " removed.";
    });
    container.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") showChosen();
    });
    input.addEventListener("input", function () { status.textContent = refresh(); });
    // Enter in the search box would submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    if (region) region.addEventListener("change", refresh);

    showChosen();
    refresh();
  }

  document.querySelectorAll("[data-choice-kind]").forEach(enhance);
})();
