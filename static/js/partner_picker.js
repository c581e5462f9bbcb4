/* Partner organisations with type-ahead: turns the <select multiple> of the registry into
   an ARIA 1.2 combobox (a text input controlling a listbox) with the chosen partners shown
   as removable buttons. The select stays in the form, hidden and kept in sync, so the form
   posts as it does without JavaScript. */
(function () {
  "use strict";

  var MAX_SHOWN = 50;
  var counter = 0;

  // Case- and diacritics-insensitive ("lodz" finds "Łódź").
  function fold(text) {
    return text
      .toLocaleLowerCase("pl")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/ł/g, "l");
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function setUp(container) {
    var select = container.querySelector("select[multiple]");
    if (!select || container.classList.contains("is-enhanced")) {
      return;
    }
    var text = container.dataset;
    var id = select.id || "partner-picker-" + ++counter;
    var label = document.querySelector('label[for="' + select.id + '"]');
    var options = Array.prototype.map.call(select.options, function (option) {
      return { option: option, value: option.value, name: option.textContent.trim(), key: fold(option.textContent) };
    });

    var instructions = element("p", { id: id + "-instructions", class: "field__help partner-picker__instructions" }, text.textInstructions);
    var combo = element("div", { class: "partner-picker__combo" });
    var input = element("input", {
      type: "text",
      id: id + "-search",
      class: "partner-picker__input",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": id + "-listbox",
      autocomplete: "off",
      spellcheck: "false",
    });
    var describedBy = [select.getAttribute("aria-describedby"), instructions.id].filter(Boolean).join(" ");
    input.setAttribute("aria-describedby", describedBy);
    if (select.getAttribute("aria-invalid")) {
      input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    }
    var listbox = element("ul", { id: id + "-listbox", class: "partner-picker__listbox", role: "listbox" });
    listbox.hidden = true;
    if (label) {
      listbox.setAttribute("aria-labelledby", label.id || (label.id = id + "-label"));
      label.htmlFor = input.id;
    }
    combo.appendChild(input);
    combo.appendChild(listbox);

    var chosenTitle = element("p", { id: id + "-chosen", class: "partner-picker__chosen-title" }, text.textChosen);
    var chips = element("ul", { class: "partner-picker__chips", "aria-labelledby": chosenTitle.id });
    var none = element("p", { class: "partner-picker__none" }, text.textNone);
    var status = element("p", { class: "visually-hidden", role: "status", "aria-live": "polite" });

    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.insertAdjacentElement("afterend", status);
    select.insertAdjacentElement("afterend", none);
    select.insertAdjacentElement("afterend", chips);
    select.insertAdjacentElement("afterend", chosenTitle);
    select.insertAdjacentElement("afterend", combo);
    select.insertAdjacentElement("afterend", instructions);
    container.classList.add("is-enhanced");

    var shown = [];
    var active = -1;

    function announce(message) {
      // Cleared first so that the same message twice is announced twice.
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = message;
      }, 50);
    }

    function renderChips() {
      chips.textContent = "";
      var chosen = options.filter(function (item) {
        return item.option.selected;
      });
      chosen.forEach(function (item) {
        var li = element("li");
        var button = element("button", { type: "button", class: "partner-picker__chip", "data-value": item.value });
        button.appendChild(element("span", {}, item.name));
        button.appendChild(element("span", { class: "visually-hidden" }, " – " + text.textRemove));
        button.appendChild(element("span", { class: "partner-picker__chip-x", "aria-hidden": "true" }, "×"));
        button.addEventListener("click", function () {
          remove(item);
        });
        li.appendChild(button);
        chips.appendChild(li);
      });
      chips.hidden = chosen.length === 0;
      none.hidden = chosen.length !== 0;
    }

    function setActive(index) {
      var items = listbox.children;
      if (active >= 0 && items[active]) {
        items[active].classList.remove("is-active");
        items[active].setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0 && items[active]) {
        items[active].classList.add("is-active");
        items[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[active].id);
        items[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var matches = options.filter(function (item) {
        return (
          item.value !== "" &&
          !item.option.selected &&
          words.every(function (word) {
            return item.key.indexOf(word) !== -1;
          })
        );
      });
      shown = matches.slice(0, MAX_SHOWN);
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      shown.forEach(function (item, index) {
        var li = element("li", { id: id + "-option-" + index, role: "option", class: "partner-picker__option", "aria-selected": "false" }, item.name);
        li.addEventListener("mousedown", function (event) {
          // Keep the focus in the input.
          event.preventDefault();
        });
        li.addEventListener("click", function () {
          choose(item);
        });
        listbox.appendChild(li);
      });
      listbox.hidden = shown.length === 0;
      input.setAttribute("aria-expanded", shown.length ? "true" : "false");
      var message = matches.length ? format(text.textCount, { count: matches.length }) : text.textEmpty;
      if (matches.length > shown.length) {
        message += " " + format(text.textMore, { shown: shown.length });
      }
      announce(message);
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function sync() {
      select.dispatchEvent(new Event("change", { bubbles: true }));
      renderChips();
    }

    function choose(item) {
      item.option.selected = true;
      sync();
      input.value = "";
      close();
      input.focus();
      announce(format(text.textAdded, { name: item.name }));
    }

    function remove(item) {
      item.option.selected = false;
      sync();
      input.focus();
      announce(format(text.textRemoved, { name: item.name }));
    }

    input.addEventListener("input", function () {
      if (input.value.trim()) {
        open();
      } else {
        close();
      }
    });

    input.addEventListener("keydown", function (event) {
      var isOpen = !listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen) {
            open();
            setActive(shown.length ? 0 : -1);
          } else {
            setActive(active + 1 < shown.length ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!isOpen) {
            open();
            setActive(shown.length - 1);
          } else {
            setActive(active > 0 ? active - 1 : shown.length - 1);
          }
          break;
        case "Enter":
          if (isOpen) {
            // Choosing, not submitting the form.
            event.preventDefault();
            if (active >= 0) {
              choose(shown[active]);
            } else if (shown.length === 1) {
              choose(shown[0]);
            }
          }
          break;
        case "Escape":
          if (isOpen) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });

    renderChips();
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-partner-picker]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
