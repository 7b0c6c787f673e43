/*
 * IMPOR maps: turns every <div class="impor-map"> (templates/components/map.html) into a
 * Leaflet map in RD New (EPSG:28992) on the PDOK tile matrix.
 *
 * The element's data attributes:
 *   data-geojson   URL of RFC 7946 GeoJSON (WGS84 lon/lat); each feature's properties may
 *                  hold `color` (CSS colour), `label` (text) and `url` (link in the popup)
 *   data-tile-url  XYZ tile URL in EPSG:28992; empty: no base map
 *   data-attribution  the base map's attribution
 *   data-legend    optional JSON list of [label, color]
 *   data-tile-error   the message shown once when base map tiles fail to load
 *   data-year-filter  optional id of a <select> of years: only features whose `year`
 *                  property matches show ("" all, "none" those without a year)
 *   data-year-table   optional id of the table alternative; rows with another
 *                  data-year are hidden by the same filter
 *
 * Polygons are drawn as outlines with a light fill, so a large area (a whole rural
 * district) does not cover the base map and the works on it.
 * Leaflet, proj4 and proj4leaflet are loaded once, and only on pages that have a map;
 * their URLs come from this script's own data attributes (set in base.html). No inline
 * JavaScript and no inline style attributes, for a strict Content-Security-Policy.
 * Without network the failed tiles are hidden, the shapes show on a plain background and a
 * status line says so.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var RD_NEW =
    "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 " +
    "+x_0=155000 +y_0=463000 +ellps=bessel " +
    "+towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs";
  // PDOK's tile matrix for EPSG:28992: 3440.64 m per pixel at zoom 0, halving per level.
  var RESOLUTIONS = [];
  for (var z = 0; z <= 16; z++) {
    RESOLUTIONS.push(3440.64 / Math.pow(2, z));
  }
  var ORIGIN = [-285401.92, 903401.92];
  var DEFAULT_COLOR = "#1f5fa8";

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement("script");
      element.src = src;
      element.async = false; // keep the order: proj4 before proj4leaflet
      element.onload = resolve;
      element.onerror = function () {
        reject(new Error("Kon " + src + " niet laden"));
      };
      document.head.appendChild(element);
    });
  }

  function loadStylesheet(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  var librariesLoaded = null;
  function loadLibraries() {
    if (!librariesLoaded) {
      loadStylesheet(script.dataset.leafletCss);
      librariesLoaded = Promise.all([
        loadScript(script.dataset.leafletJs),
        loadScript(script.dataset.proj4Js),
        loadScript(script.dataset.proj4leafletJs),
      ]);
    }
    return librariesLoaded;
  }

  function rdCrs() {
    return new L.Proj.CRS("EPSG:28992", RD_NEW, {
      resolutions: RESOLUTIONS,
      origin: ORIGIN,
      bounds: L.bounds([-285401.92, 22598.08], [595401.92, 903401.92]),
    });
  }

  function swatch(color) {
    // An SVG square: its fill is an attribute, not an inline style (CSP).
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    var rect = document.createElementNS(ns, "rect");
    rect.setAttribute("width", "14");
    rect.setAttribute("height", "14");
    rect.setAttribute("fill", color);
    rect.setAttribute("stroke", "#333333");
    svg.appendChild(rect);
    return svg;
  }

  function popupContent(properties) {
    var box = document.createElement("div");
    var text = document.createElement("p");
    text.className = "impor-map__popup";
    text.textContent = properties.label || "";
    box.appendChild(text);
    if (properties.url) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = pageLanguage() === "en" ? "Open" : "Openen";
      box.appendChild(link);
    }
    return box;
  }

  function pageLanguage() {
    return (document.documentElement.lang || "nl").slice(0, 2);
  }

  function addLegend(map, entries) {
    if (!entries || !entries.length) {
      return;
    }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "impor-map__legend");
      var list = document.createElement("ul");
      entries.forEach(function (entry) {
        var item = document.createElement("li");
        item.appendChild(swatch(entry[1]));
        item.appendChild(document.createTextNode(entry[0]));
        list.appendChild(item);
      });
      box.appendChild(list);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    legend.addTo(map);
  }

  function parseLegend(raw) {
    if (!raw) {
      return [];
    }
    try {
      var entries = JSON.parse(raw);
      return Array.isArray(entries) ? entries : [];
    } catch (error) {
      return [];
    }
  }

  function showStatus(map, message) {
    var status = L.control({ position: "topright" });
    status.onAdd = function () {
      var box = L.DomUtil.create("p", "impor-map__status");
      box.setAttribute("role", "status");
      box.textContent = message;
      return box;
    };
    status.addTo(map);
  }

  function yearMatches(choice, year) {
    if (!choice) {
      return true;
    }
    return choice === "none" ? year === null || year === undefined : String(year) === choice;
  }

  function connectYearFilter(element, layer, map) {
    var select = element.dataset.yearFilter && document.getElementById(element.dataset.yearFilter);
    if (!select) {
      return;
    }
    var table = element.dataset.yearTable && document.getElementById(element.dataset.yearTable);
    var all = layer.getLayers();
    function apply() {
      var choice = select.value;
      var shown = 0;
      all.forEach(function (featureLayer) {
        var properties = featureLayer.feature.properties || {};
        if (yearMatches(choice, properties.year)) {
          shown += 1;
          if (!layer.hasLayer(featureLayer)) {
            layer.addLayer(featureLayer);
          }
        } else if (layer.hasLayer(featureLayer)) {
          layer.removeLayer(featureLayer);
        }
      });
      element.dataset.imporMapShown = String(shown);
      if (table) {
        table.querySelectorAll("tbody tr[data-year]").forEach(function (row) {
          row.hidden = !yearMatches(choice, row.dataset.year === "none" ? null : row.dataset.year);
        });
      }
    }
    if (select.parentElement) {
      select.parentElement.hidden = false;
    }
    select.addEventListener("change", apply);
    apply();
  }

  function initMap(element) {
    if (element.dataset.imporMapReady) {
      return;
    }
    element.dataset.imporMapReady = "1";
    var map = L.map(element, {
      crs: rdCrs(),
      center: [52.25, 5.6],
      zoom: 2,
      minZoom: 0,
      maxZoom: 15,
      keyboard: true,
    });
    element.imporMap = map; // for other scripts and tests
    var tileUrl = element.dataset.tileUrl;
    if (tileUrl) {
      var tiles = L.tileLayer(tileUrl, {
        attribution: element.dataset.attribution || "",
        minZoom: 0,
        maxZoom: 15,
        maxNativeZoom: 14,
        bounds: L.latLngBounds([48.04, -1.66], [56.11, 12.43]),
      });
      // Offline or blocked: hide the failed tile instead of a broken-image icon, and say
      // once that the map works without its background.
      var tileErrorShown = false;
      tiles.on("tileerror", function (event) {
        event.tile.classList.add("impor-map__tile--failed");
        if (!tileErrorShown && element.dataset.tileError) {
          tileErrorShown = true;
          element.dataset.imporMapTileError = "1";
          showStatus(map, element.dataset.tileError);
        }
      });
      tiles.addTo(map);
    }
    addLegend(map, parseLegend(element.dataset.legend));

    var url = element.dataset.geojson;
    if (!url) {
      return;
    }
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + " " + response.statusText);
        }
        return response.json();
      })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: function (feature) {
            var color = (feature.properties && feature.properties.color) || DEFAULT_COLOR;
            var type = feature.geometry && feature.geometry.type;
            var area = type === "Polygon" || type === "MultiPolygon";
            return {
              color: color,
              weight: area ? 2 : 3,
              opacity: 0.9,
              fillColor: color,
              fillOpacity: area ? 0.08 : 0.3,
            };
          },
          pointToLayer: function (feature, latlng) {
            var color = (feature.properties && feature.properties.color) || DEFAULT_COLOR;
            return L.circleMarker(latlng, {
              radius: 6,
              color: "#1a1a1a",
              weight: 1,
              fillColor: color,
              fillOpacity: 0.9,
            });
          },
          onEachFeature: function (feature, featureLayer) {
            var properties = feature.properties || {};
            if (properties.label) {
              var tooltip = document.createElement("span");
              tooltip.textContent = properties.label;
              featureLayer.bindTooltip(tooltip, { sticky: true });
            }
            if (properties.label || properties.url) {
              featureLayer.bindPopup(popupContent(properties));
            }
          },
        }).addTo(map);
        connectYearFilter(element, layer, map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [16, 16], maxZoom: 13 });
        }
        element.dataset.imporMapFeatures = String(layer.getLayers().length);
      })
      .catch(function (error) {
        element.dataset.imporMapError = String(error);
        showStatus(
          map,
          pageLanguage() === "en" ? "The map data could not be loaded." : "De kaartgegevens konden niet worden geladen."
        );
      });
  }

  function initAll(root) {
    var elements = (root || document).querySelectorAll(".impor-map");
    if (!elements.length) {
      return;
    }
    loadLibraries().then(function () {
      elements.forEach(initMap);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      initAll(document);
    });
  } else {
    initAll(document);
  }
  // Maps that htmx swaps into the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    initAll(event.target);
  });
})();
