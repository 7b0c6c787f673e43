/*
 * The API documentation page (templates/drf_spectacular/redoc.html) under IMPOR's
 * Content-Security-Policy without 'unsafe-inline'.
 *
 * Redoc's bundle writes its CSS into <style> elements, some while it loads, before any
 * option can reach it. This script runs first (it carries the request's nonce) and gives
 * that nonce to every <style> element as it is inserted, so the policy allows exactly
 * the styles of the scripts it already allowed. Then, once the page has loaded, it starts
 * Redoc with the nonce too.
 */
(function () {
  "use strict";

  var nonce = document.currentScript.nonce;
  var appendChild = Node.prototype.appendChild;
  var insertBefore = Node.prototype.insertBefore;

  function withNonce(node) {
    if (node instanceof HTMLStyleElement && !node.nonce) {
      node.nonce = nonce;
    }
    return node;
  }
  Node.prototype.appendChild = function (node) {
    return appendChild.call(this, withNonce(node));
  };
  Node.prototype.insertBefore = function (node, reference) {
    return insertBefore.call(this, withNonce(node), reference);
  };

  document.addEventListener("DOMContentLoaded", function () {
    var container = document.getElementById("redoc-container");
    var settings = JSON.parse(container.dataset.settings || "{}");
    settings.nonce = nonce;
    Redoc.init(container.dataset.schemaUrl, settings, container);
  });
})();
