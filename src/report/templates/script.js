// The period selector: shows every figure of the page in an earlier period. The page is
// complete without this script (it shows `as_of`); the figures of every period are written in
// the data element, as the page writes them, so this only puts them in place.
(function () {
  "use strict";
  var holder = document.getElementById("kpic-data");
  var select = document.getElementById("period");
  if (!holder || !select || !select.form) return;
  var data = JSON.parse(holder.textContent);
  var last = data.periods.length - 1;
  // Statuses and trends by their codes: [code, name, symbol or arrow, word].
  var statuses = {}, trends = {};
  data.statuses.forEach(function (s) { statuses[s[0]] = s; });
  data.trends.forEach(function (t) { trends[t[0]] = t; });
  var moves = {};
  data.moves.forEach(function (m) { moves[m[0]] = m; });
  var NONE = "\u2014";
  var BLANK = [NONE, NONE, NONE, NONE, "n", null, null, null];

  // The elements of each KPI, objective and perspective, found once.
  function byIndex(attribute) {
    var found = {};
    document.querySelectorAll("[" + attribute + "]").forEach(function (el) {
      var key = el.getAttribute(attribute);
      (found[key] = found[key] || []).push(el);
    });
    return found;
  }
  var kpiNodes = byIndex("data-k"), objectiveNodes = byIndex("data-o"),
    perspectiveNodes = byIndex("data-p");

  function setText(root, field, text) {
    root.querySelectorAll('[data-f="' + field + '"]').forEach(function (el) {
      el.textContent = text;
    });
  }
  function setStatus(root, code) {
    var s = statuses[code] || statuses.n;
    root.querySelectorAll(".st").forEach(function (el) {
      el.setAttribute("data-st", s[1]);
      el.firstChild.textContent = s[2];
      el.lastChild.textContent = " " + s[3];
    });
    // A box or band of the strategy map.
    root.querySelectorAll("text.line").forEach(function (el) {
      if (el.hasAttribute("data-st")) el.setAttribute("data-st", s[1]);
    });
    if (root.classList.contains("box")) root.setAttribute("data-st", s[1]);
  }
  function setLine(root, score, code) {
    var s = statuses[code] || statuses.n;
    root.querySelectorAll("text.line").forEach(function (el) {
      el.textContent = s[2] + " " + s[3] + " \u00b7 " + score;
    });
  }
  // The arrow follows the value's move; the word and colour say whether it was for the better.
  function setTrend(root, code, moveCode) {
    var t = trends[code], m = moves[moveCode];
    var word = t ? t[2] : "no trend";
    root.querySelectorAll(".tr").forEach(function (el) {
      el.setAttribute("data-tr", t ? t[1] : "none");
      el.firstChild.textContent = m ? m[1] : "";
      el.lastChild.textContent = (m ? m[2] + ", " : "") + word;
    });
    root.querySelectorAll(".trend-word").forEach(function (el) {
      el.textContent = word;
    });
  }
  function setBullet(svg, b) {
    var bounds = b ? b.slice(2) : [];
    svg.querySelectorAll(".seg").forEach(function (seg, j) {
      var from = 0, to = 0;
      if (bounds.length) {
        from = j === 0 ? 0 : bounds[j - 1];
        to = j < bounds.length ? bounds[j] : 300;
      }
      seg.setAttribute("x", from);
      seg.setAttribute("width", Math.max(0, to - from));
    });
    svg.querySelector(".bar").setAttribute("width", b && b[0] !== null ? b[0] : 0);
    var mark = svg.querySelector(".pm");
    if (b && b[1] !== null) {
      mark.setAttribute("x1", b[1]);
      mark.setAttribute("x2", b[1]);
      mark.removeAttribute("visibility");
    } else {
      mark.setAttribute("visibility", "hidden");
    }
  }
  // Moves a chart's cursor to entry `at` (-1: none) and its shade to `gap` right of it (a
  // sparkline has a shade and no cursor).
  function setCursor(svg, at, right, gap) {
    var x = right;
    if (at >= 0) {
      x = parseFloat(svg.getAttribute("data-x0")) + at * parseFloat(svg.getAttribute("data-dx"));
    }
    var shade = svg.querySelector(".shade"), cursor = svg.querySelector(".cursor");
    var from = Math.min(right, x + gap);
    shade.setAttribute("x", from);
    shade.setAttribute("width", right - from);
    if (cursor) {
      cursor.setAttribute("x1", x);
      cursor.setAttribute("x2", x);
      if (at < 0) cursor.setAttribute("visibility", "hidden");
      else cursor.removeAttribute("visibility");
    }
  }

  // The reading KPI `k` shows in report period `i`, its period, and its entry in the series.
  function readingAt(k, i) {
    var kpi = data.kpis[k];
    var at = kpi.r ? kpi.r[i] : i;
    if (i === last && kpi.n) return { e: kpi.n, period: kpi.np, at: at };
    if (at < 0 || at >= kpi.e.length) return { e: BLANK, period: NONE, at: -1 };
    return { e: kpi.e[at], period: kpi.p ? kpi.p[at] : data.periods[i], at: at };
  }

  function showKpi(k, i) {
    var found = readingAt(k, i), e = found.e, unit = data.kpis[k].u;
    function withUnit(text, suffix) { return text === NONE ? text : text + suffix; }
    (kpiNodes[k] || []).forEach(function (root) {
      setText(root, "period", found.period);
      setText(root, "actual", withUnit(e[0], unit[0]));
      setText(root, "plan", withUnit(e[1], unit[0]));
      setText(root, "variance", withUnit(e[2], unit[1]));
      setText(root, "score", e[3]);
      setStatus(root, e[4]);
      setTrend(root, e[5], e[7]);
      root.querySelectorAll("svg.bullet").forEach(function (svg) { setBullet(svg, e[6]); });
      root.querySelectorAll("svg.chart").forEach(function (svg) { setCursor(svg, found.at, 612, 4); });
      root.querySelectorAll("svg.spark").forEach(function (svg) { setCursor(svg, found.at, 100, 3); });
    });
  }

  // A node's coverage: [.., .., text, partial] of its entry in the data.
  function setCoverage(root, s) {
    root.querySelectorAll("[data-cov]").forEach(function (el) {
      el.classList.toggle("partial", s[3]);
    });
    setText(root, "coverage", s[2]);
  }

  function showScores(nodes, scores, i) {
    Object.keys(nodes).forEach(function (key) {
      var s = (scores[key] || [])[i] || [NONE, "n", "", false];
      nodes[key].forEach(function (root) {
        setText(root, "score", s[0]);
        setStatus(root, s[1]);
        setLine(root, s[0], s[1]);
        setCoverage(root, s);
      });
    });
  }

  var rows = {};
  document.querySelectorAll("tr[data-k]").forEach(function (row) {
    rows[row.getAttribute("data-k")] = row;
  });
  // The line of a red KPI: its actual against its plan (as the page writes it at `as_of`).
  function redLine(k, i) {
    var e = readingAt(k, i).e, unit = data.kpis[k].u;
    var actual = e[0] === NONE ? NONE : e[0] + unit[0];
    return e[1] === NONE ? actual : actual + " vs plan " + e[1] + unit[0];
  }
  function showHighlights(i) {
    var lists = data.highlights[i];
    var reds = lists[2].map(function (k) { return [k, redLine(k, i)]; });
    document.querySelectorAll("[data-hl]").forEach(function (list) {
      var slot = parseInt(list.getAttribute("data-hl"), 10);
      var items = slot === 2 ? reds : lists[slot];
      list.textContent = "";
      items.forEach(function (item) {
        var row = rows[item[0]], li = document.createElement("li");
        if (!row) return;
        var link = row.querySelector("th a").cloneNode(true);
        var who = document.createElement("span"), what = document.createElement("span");
        who.className = "who";
        who.textContent = row.lastElementChild.textContent;
        what.className = "chg";
        what.textContent = item[1];
        li.append(link, " ", who, " ", what);
        list.appendChild(li);
      });
      if (!items.length) {
        var empty = document.createElement("li");
        empty.className = "empty";
        empty.textContent = list.getAttribute("data-empty");
        list.appendChild(empty);
      }
    });
  }

  // The header says which period is shown when it is not the latest (a printout of March says
  // March), and the address names it, so that a link opens the page on that period.
  function showPeriod(i) {
    var header = document.querySelector("header.top");
    setText(header, "lead", i === last ? "as of" : "showing");
    setText(header, "shown", data.periods[i]);
    header.querySelectorAll("[data-as-of]").forEach(function (el) { el.hidden = i === last; });
    var code = select.options[i] && select.options[i].getAttribute("data-period");
    try {
      var url = new URL(window.location.href);
      if (i === last) url.searchParams.delete("period");
      else url.searchParams.set("period", code);
      window.history.replaceState(null, "", url.href);
    } catch (error) {
      // A page opened where its address cannot change still shows the period.
    }
  }

  function show(i) {
    showPeriod(i);
    document.dispatchEvent(new Event("kpic:period"));
    var card = document.querySelector("[data-card]");
    setText(card, "score", data.card[i][0]);
    setStatus(card, data.card[i][1]);
    setCoverage(card, data.card[i]);
    document.querySelectorAll("[data-count]").forEach(function (li) {
      setText(li, "count", data.counts[i][parseInt(li.getAttribute("data-count"), 10)]);
    });
    showScores(perspectiveNodes, data.perspectives, i);
    showScores(objectiveNodes, data.objectives, i);
    data.kpis.forEach(function (_, k) { showKpi(k, i); });
    showHighlights(i);
  }

  select.form.hidden = false;
  select.form.addEventListener("submit", function (event) { event.preventDefault(); });
  select.addEventListener("change", function () { show(parseInt(select.value, 10)); });
  // A link that names a period (`?period=2026-03`) opens on it.
  var asked = new URLSearchParams(window.location.search).get("period");
  for (var o = 0; o < select.options.length; o++) {
    if (asked && select.options[o].getAttribute("data-period") === asked && o !== last) {
      select.value = String(o);
      show(o);
    }
  }
})();

// The table's filters (status, perspective, owner) and its sort by score, lowest first, within
// each objective: all in the page, no server. Without this script the form stays hidden and
// the table shows every KPI.
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  var table = document.querySelector("table.card");
  if (!form || !table) return;
  var control = function (name) { return form.querySelector('[data-filter="' + name + '"]'); };
  var NONE = "\u2014";

  function score(row) {
    var cell = row.querySelector('[data-f="score"]');
    var text = cell ? cell.textContent.replace("\u2212", "-") : NONE;
    var value = parseFloat(text);
    return isNaN(value) ? Infinity : value;
  }

  // Within each objective, its KPI rows by score (or back in the order of the page).
  function sort(lowestFirst) {
    table.querySelectorAll("tbody").forEach(function (body) {
      var groups = [], current = null;
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.classList.contains("row-k")) {
          if (!current) { current = { after: row.previousElementSibling, rows: [] }; groups.push(current); }
          current.rows.push(row);
        } else {
          current = null;
        }
      });
      groups.forEach(function (group) {
        var rows = group.rows.slice().sort(function (a, b) {
          return lowestFirst ? score(a) - score(b) : a.getAttribute("data-k") - b.getAttribute("data-k");
        });
        var at = group.after;
        rows.forEach(function (row) { at.after(row); at = row; });
      });
    });
  }

  function apply() {
    var status = control("status").value, perspective = control("perspective").value,
      owner = control("owner").value, filtered = status || perspective || owner, shown = 0;
    table.querySelectorAll("tbody").forEach(function (body) {
      var head = body.querySelector("tr.row-p");
      var inPerspective = !perspective || (head && head.getAttribute("data-p") === perspective);
      var objective = null, objectiveShown = false, bodyShown = false;
      function closeObjective() { if (objective) objective.hidden = !objectiveShown; }
      Array.prototype.forEach.call(body.rows, function (row) {
        if (row.classList.contains("row-o")) {
          closeObjective();
          objective = row; objectiveShown = false;
        } else if (row.classList.contains("row-k")) {
          var st = row.querySelector(".st");
          var who = row.lastElementChild ? row.lastElementChild.textContent : "";
          var visible = inPerspective && (!status || (st && st.getAttribute("data-st") === status)) &&
            (!owner || who === owner);
          row.hidden = !visible;
          if (visible) { shown++; objectiveShown = true; bodyShown = true; }
        } else if (row.classList.contains("row-i")) {
          row.hidden = !!filtered;
        }
      });
      closeObjective();
      body.hidden = !bodyShown && !!filtered;
    });
    sort(control("sort").checked);
    control("count").textContent = filtered ? shown + " KPIs shown" : "";
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("change", apply);
  // The statuses and scores change with the period shown.
  document.addEventListener("kpic:period", apply);
})();

// The organisation (an org's page): the matrix of units and the league tables show the period
// picked, and the links to other orgs' pages carry it (`?period=`), so that they open on it.
(function () {
  "use strict";
  var select = document.getElementById("period");
  if (!select) return;
  var links = document.querySelectorAll("a[data-org-link]");
  links.forEach(function (a) { a.setAttribute("data-href", a.getAttribute("href")); });
  function apply() {
    var i = select.value;
    var last = select.options.length - 1;
    document.querySelectorAll("[data-pi]").forEach(function (el) {
      el.hidden = el.getAttribute("data-pi") !== i;
    });
    var option = select.options[parseInt(i, 10)];
    var code = option && option.getAttribute("data-period");
    links.forEach(function (a) {
      var href = a.getAttribute("data-href");
      var hash = href.indexOf("#");
      var path = hash < 0 ? href : href.slice(0, hash);
      var rest = hash < 0 ? "" : href.slice(hash);
      a.setAttribute("href", String(i) === String(last) || !code ? href : path + "?period=" + code + rest);
    });
  }
  document.addEventListener("kpic:period", apply);
})();
