/* Partnerships: a search box above a long <select> of the organisation registry
   (elements marked data-select-filter) hides the options that do not match what is
   typed. Without JavaScript the plain select works as it is. */
(function () {
  "use strict";

  // Case- and diacritics-insensitive ("lodz" finds "Łódź").
  function fold(text) {
    return text
      .toLocaleLowerCase("pl")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/ł/g, "l");
  }

  function setUp(select) {
    if (select.dataset.filterReady) {
      return;
    }
    select.dataset.filterReady = "true";
    var id = select.id + "-filter";
    var wrapper = document.createElement("div");
    wrapper.className = "select-filter";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.className = "select-filter__label";
    label.textContent = select.dataset.filterLabel || "Search";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "select-filter__input";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);

    var options = Array.prototype.map.call(select.options, function (option) {
      return { option: option, key: fold(option.textContent) };
    });

    input.addEventListener("input", function () {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (item) {
        var match =
          item.option.value === "" ||
          item.option.selected ||
          words.every(function (word) {
            return item.key.indexOf(word) !== -1;
          });
        item.option.hidden = !match;
        item.option.disabled = !match;
        if (match && item.option.value !== "") {
          shown += 1;
        }
      });
      var template = select.dataset.filterCount || "{count}";
      status.textContent = template.replace("{count}", String(shown));
    });
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-select-filter]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
