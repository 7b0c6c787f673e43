/*
 * IMPOR on small screens (loaded by base.html on every page; no inline JavaScript, see
 * docs/frontend.md):
 *
 * - The main menu collapses behind the "Menu" button (.impor-menu-toggle) below 40em.
 *   Without JavaScript the button stays hidden and the menu stays open, so every page
 *   still reaches every other one.
 * - Every table in the content sits in a .impor-table-container that scrolls sideways, so
 *   a wide table never widens the page. A container that really scrolls becomes a
 *   labelled, focusable region (keyboard users scroll it with the arrow keys; axe's
 *   scrollable-region-focusable); one that fits stays out of the tab order.
 */
(function () {
  "use strict";

  var NARROW = window.matchMedia("(max-width: 40em)");

  function initMenu() {
    var button = document.querySelector(".impor-menu-toggle");
    var header = document.querySelector(".impor-header");
    if (!button || !header) {
      return;
    }
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("impor-header--open", open);
    }
    header.classList.add("impor-header--collapsible");
    button.hidden = false;
    set(false);
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && NARROW.matches && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }

  function label(table) {
    var caption = table.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    if (text) {
      return text;
    }
    return document.documentElement.lang === "en" ? "Table" : "Tabel";
  }

  function wrapTables(root) {
    (root || document).querySelectorAll(".impor-main table").forEach(function (table) {
      var parent = table.parentElement;
      if (parent.classList.contains("impor-table-container") || parent.classList.contains("table-scroll")) {
        return;
      }
      var container = document.createElement("div");
      container.className = "impor-table-container";
      parent.insertBefore(container, table);
      container.appendChild(table);
    });
    markScrolling();
  }

  function markScrolling() {
    document.querySelectorAll(".impor-table-container, .table-scroll").forEach(function (container) {
      var table = container.querySelector("table");
      if (table && container.scrollWidth > container.clientWidth + 1) {
        container.setAttribute("tabindex", "0");
        container.setAttribute("role", "region");
        container.setAttribute("aria-label", label(table));
        container.classList.add("impor-table-container--scrolls");
      } else if (container.classList.contains("impor-table-container--scrolls")) {
        container.removeAttribute("tabindex");
        container.removeAttribute("role");
        container.removeAttribute("aria-label");
        container.classList.remove("impor-table-container--scrolls");
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(markScrolling, 150);
  });

  function init() {
    initMenu();
    wrapTables(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    wrapTables(event.target);
  });
})();
