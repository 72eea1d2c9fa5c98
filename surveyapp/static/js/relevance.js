// Follow-up questions shown as the respondent answers, and constraint messages as they type.
// Progressive enhancement only: without this script the server shows follow-ups after "Next", and it stays the
// authority either way (it prunes hidden answers and checks every rule again).
//
// The page's form carries `data-logic`: its items in order with their rules as syntax trees made by the
// server's own parser (surveyapp/questionnaire/expression_json.py), and the earlier answers they read. This file
// interprets those trees with the semantics of surveyapp/questionnaire/expression/evaluator.py: an unanswered item is
// null; a comparison involving null is false; arithmetic with null is null.
(function () {
  "use strict";

  var COMPARISONS = { "=": 1, "!=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1 };

  function isNumber(v) { return typeof v === "number" && isFinite(v); }
  function isMap(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  function empty(v) {
    return v === null || v === undefined || v === "" ||
      (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);
  }

  function truthy(v) {
    if (v === null || v === undefined) { return false; }
    if (typeof v === "boolean") { return v; }
    if (isNumber(v)) { return v !== 0; }
    return !empty(v);
  }

  function compare(op, a, b) {
    if (a === null || b === null) { return false; }
    if (typeof a === "boolean" || typeof b === "boolean") {
      if (typeof a !== "boolean" || typeof b !== "boolean" || (op !== "=" && op !== "!=")) { return false; }
    } else if (!((isNumber(a) && isNumber(b)) || (typeof a === "string" && typeof b === "string"))) {
      return false;
    }
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      default: return a >= b;
    }
  }

  function arithmetic(op, a, b) {
    if (!(isNumber(a) && isNumber(b))) { return null; }
    switch (op) {
      case "+": return a + b;
      case "-": return a - b;
      case "*": return a * b;
      default: return b === 0 ? null : a / b;
    }
  }

  function lookup(answers, code, row) {
    var has = Object.prototype.hasOwnProperty;
    if (row === null || row === undefined) { return has.call(answers, code) ? answers[code] : null; }
    var ref = code + "." + row;
    if (has.call(answers, ref)) { return answers[ref]; }
    var parent = has.call(answers, code) ? answers[code] : null;
    return isMap(parent) && has.call(parent, row) ? parent[row] : null;
  }

  function evaluate(node, answers, current) {
    var op = node[0];
    switch (op) {
      case "lit": return node[1];
      case "cur": return empty(current) ? null : current;
      case "name": {
        var found = lookup(answers, node[1], node[2]);
        return empty(found) ? null : found;
      }
      case "not": return !truthy(evaluate(node[1], answers, current));
      case "neg": {
        var inner = evaluate(node[1], answers, current);
        return isNumber(inner) ? -inner : null;
      }
      case "and": return truthy(evaluate(node[1], answers, current)) && truthy(evaluate(node[2], answers, current));
      case "or": return truthy(evaluate(node[1], answers, current)) || truthy(evaluate(node[2], answers, current));
      case "call": return call(node, answers, current);
      case "apply": return apply(node[1], node[2], answers, current);
    }
    if (COMPARISONS[op]) { return compare(op, evaluate(node[1], answers, current), evaluate(node[2], answers, current)); }
    return arithmetic(op, evaluate(node[1], answers, current), evaluate(node[2], answers, current));
  }

  // A value as concat() and regex() read it, as the server's expression._text does.
  function text(v) {
    if (v === null || v === undefined || isMap(v)) { return ""; }
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (Array.isArray(v)) { return v.map(text).join(" "); }
    return String(v);
  }

  function isoToday() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function isoNow() {
    var d = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return isoToday() + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  var NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  function toNumber(v) {
    if (typeof v === "boolean") { return v ? 1 : 0; }
    if (isNumber(v)) { return v; }
    if (typeof v === "string" && NUMBER_TEXT.test(v.trim())) { return Number(v.trim()); }
    return null;
  }

  // coalesce, string_length, substr, round, int and number: the server's expression._VALUE_FUNCTIONS.
  var VALUE_FUNCTIONS = {
    coalesce: function (values) {
      for (var i = 0; i < values.length; i++) { if (values[i] !== null) { return values[i]; } }
      return null;
    },
    // By characters (code points), as Python counts: an emoji is one, not two UTF-16 units.
    string_length: function (values) { return Array.from(text(values[0])).length; },
    substr: function (values) {
      var s = Array.from(text(values[0]));
      var bounds = values.slice(1);
      if (!bounds.every(isNumber)) { return ""; }
      var start = Math.max(0, Math.trunc(bounds[0]));
      var end = bounds.length === 1 ? s.length : Math.min(s.length, Math.trunc(bounds[1]));
      return start < end ? s.slice(start, end).join("") : "";
    },
    round: function (values) {
      var number = values[0];
      var places = values.length > 1 ? values[1] : 0;
      if (!isNumber(number) || !isNumber(places) || places % 1 !== 0) { return null; }
      var scale = Math.pow(10, places);
      var rounded = Math.floor(Math.abs(number) * scale + 0.5) / scale;
      return number < 0 ? -rounded : rounded;
    },
    int: function (values) {
      var number = toNumber(values[0]);
      return number === null ? null : Math.trunc(number);
    },
    number: function (values) { return toNumber(values[0]); }
  };

  // A repeat's answers are a list of one object per instance; inside an instance its own answers shadow the
  // earlier ones and "__position__" is its number from 1 (the server's routing.instance_context).
  var REPEAT_FUNCTIONS = { count: 1, sum: 1, position: 1, indexed_repeat: 1 };

  function isRows(v) {
    return Array.isArray(v) && v.length > 0 && v.every(isMap);
  }

  function repeatColumn(answers, code) {
    var keys = Object.keys(answers);
    for (var i = 0; i < keys.length; i++) {
      var value = answers[keys[i]];
      if (isRows(value) && value.some(function (inst) { return Object.prototype.hasOwnProperty.call(inst, code); })) {
        return value.map(function (inst) { return Object.prototype.hasOwnProperty.call(inst, code) ? inst[code] : null; });
      }
    }
    return null;
  }

  function repeatFunction(fn, args, answers, current) {
    var has = Object.prototype.hasOwnProperty;
    if (fn === "position") { return has.call(answers, "__position__") ? answers["__position__"] : null; }
    var target = args[0];
    var isName = target[0] === "name";
    if (fn === "count") {
      var value = isName && target[2] === null && has.call(answers, target[1]) ? answers[target[1]] : null;
      if (value === null || value === undefined) { value = evaluate(target, answers, current); }
      if (value === null || value === undefined) { return 0; }
      return Array.isArray(value) ? value.length : 1;
    }
    if (fn === "sum") {
      var column = isName ? repeatColumn(answers, target[1]) : null;
      if (column === null) { column = [evaluate(target, answers, current)]; }
      var numbers = column.filter(isNumber);
      return numbers.reduce(function (a, b) { return a + b; }, 0);
    }
    var position = evaluate(args[2], answers, current);  // indexed_repeat(item, repeat, n)
    if (target[0] !== "name" || args[1][0] !== "name" || !isNumber(position)) { return null; }
    var instances = has.call(answers, args[1][1]) ? answers[args[1][1]] : null;
    if (!Array.isArray(instances) || position % 1 !== 0 || position < 1 || position > instances.length) { return null; }
    var instance = instances[position - 1];
    var found = isMap(instance) && has.call(instance, target[1]) ? instance[target[1]] : null;
    return empty(found) ? null : found;
  }

  // XLSForm's jr:choice-name: the label, in the page's language, of choice `value` of the question named
  // second; the page's logic gives the labels (__choice_names__), as the server's context does.
  function choiceName(args, answers, current) {
    var has = Object.prototype.hasOwnProperty;
    var value = evaluate(args[0], answers, current);
    var names = has.call(answers, "__choice_names__") ? answers.__choice_names__ : null;
    if (value === null || args[1][0] !== "name" || !isMap(names)) { return null; }
    var labels = has.call(names, args[1][1]) ? names[args[1][1]] : null;
    var code = text(value);
    var label = isMap(labels) && has.call(labels, code) ? labels[code] : null;
    return label ? label : null;
  }

  // if, concat, regex, selected_at, today, now and the value functions: the server's expression._Evaluator.apply.
  function apply(fn, args, answers, current) {
    if (fn === "if") {
      return evaluate(truthy(evaluate(args[0], answers, current)) ? args[1] : args[2], answers, current);
    }
    if (fn === "today") { return isoToday(); }
    if (fn === "now") { return isoNow(); }
    if (REPEAT_FUNCTIONS.hasOwnProperty(fn)) { return repeatFunction(fn, args, answers, current); }
    if (fn === "choice_name") { return choiceName(args, answers, current); }
    var values = args.map(function (arg) { return evaluate(arg, answers, current); });
    if (fn === "selected") {  // selected(q, expression): the code is computed, as the server's apply does
      if (values[1] === null) { return false; }
      var code = text(values[1]);
      return Array.isArray(values[0]) ? values[0].indexOf(code) >= 0 : values[0] === code;
    }
    if (VALUE_FUNCTIONS.hasOwnProperty(fn)) { return VALUE_FUNCTIONS[fn](values); }
    if (fn === "concat") { return values.map(text).join(""); }
    if (fn === "regex") { return values[0] !== null && new RegExp(String(values[1])).test(text(values[0])); }
    if (fn === "selected_at") {
      var index = values[1];
      if (!isNumber(index) || index % 1 !== 0) { return null; }
      var codes = Array.isArray(values[0]) ? values[0] : typeof values[0] === "string" ? [values[0]] : [];
      return index >= 0 && index < codes.length ? codes[index] : null;
    }
    return null;
  }

  function call(node, answers, current) {
    var fn = node[1];
    var target = evaluate(node[2], answers, current);
    if (fn === "answered") { return target !== null; }
    if (fn === "count_selected") {
      if (target === null) { return 0; }
      if (Array.isArray(target)) { return target.length; }
      if (isMap(target)) { return Object.keys(target).filter(function (k) { return !empty(target[k]); }).length; }
      return 1;
    }
    if (Array.isArray(target)) { return target.indexOf(node[3]) >= 0; }
    return typeof target === "string" && target === node[3];
  }

  // One pass in page order, as the server's routing does: each item's rule sees the answers kept so far
  // (earlier pages, then this page's relevant answers and calculations). `values` maps code -> answer.
  // In a repeat's instance `position` is its number: the instance's own answers shadow the earlier ones, as
  // the server's routing.instance_context does (XLSForm's current()/../ siblings).
  function walk(logic, values, position) {
    var kept = {};
    Object.keys(logic.answers || {}).forEach(function (k) { kept[k] = logic.answers[k]; });
    if (position !== undefined && position !== null) { kept.__position__ = position; }
    if (logic.choice_names) { kept.__choice_names__ = logic.choice_names; }  // choice_name()'s labels
    var visible = {};
    logic.items.forEach(function (item) {
      var on = !item.relevant || truthy(evaluate(item.relevant, kept, null));
      if (item.shown) { visible[item.code] = on; }
      if (!on) { return; }
      if (item.calculation) {
        var value = evaluate(item.calculation, kept, null);
        if (value !== null) { kept[item.code] = value; }
      } else if (item.kind && values[item.code] !== null && values[item.code] !== undefined) {
        kept[item.code] = values[item.code];
      }
    });
    return { visible: visible, kept: kept };
  }

  function visibleCodes(logic, values) {
    var visible = walk(logic, values).visible;
    return logic.items.filter(function (item) { return visible[item.code]; }).map(function (item) { return item.code; });
  }

  // --- reading the form as the server's question types do -----------------------------------------------

  var INTEGER = /^[+-]?\d+$/;
  var DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  function parseNumber(text, kind) {
    var cleaned = text.trim().replace(/[\u00a0 ]/g, "").replace(/,/g, ".");
    if (!(kind === "integer" ? INTEGER : DECIMAL).test(cleaned)) { return undefined; }
    return Number(cleaned);
  }

  function named(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }

  function checkedValues(els) {
    return els.filter(function (el) { return el.checked; }).map(function (el) { return el.value.trim(); })
      .filter(function (v) { return v !== ""; });
  }

  function rawText(els) {
    var el = els.filter(function (e) { return e.value.trim(); })[0] || els[0];
    return el ? el.value : "";
  }

  // The answer to one item (null when empty), and whether it could not be read (a number with letters).
  function readItem(form, item, name, rowsOf) {
    var els = named(form, name);
    switch (item.kind) {
      case "codes": {
        var codes = checkedValues(els);
        return { value: codes.length ? codes : null };
      }
      case "rank": {
        // One drop-down per place; a partial order is no answer yet, as on the server (rank_all).
        var placed = [];
        for (var place = 1; named(form, name + "." + place).length; place++) {
          placed.push(rawText(named(form, name + "." + place)).trim());
        }
        var complete = placed.length > 0 && placed.every(function (v) { return v !== ""; });
        return { value: complete ? placed : null };
      }
      case "rows": {
        var answer = {};
        rowsOf(name).forEach(function (row) {
          var picked = checkedValues(named(form, name + "." + row));
          if (picked.length) { answer[row] = picked[0]; }
        });
        return { value: Object.keys(answer).length ? answer : null };
      }
      case "code": {
        var chosen = els.some(function (el) { return el.type === "radio"; }) ? checkedValues(els) : els.map(function (el) { return el.value.trim(); });
        chosen = chosen.filter(function (v) { return v !== ""; });
        return { value: chosen.length ? chosen[0] : null };
      }
      case "number": {
        var text = rawText(els);
        if (!text.trim()) { return { value: null }; }
        var number = parseNumber(text, item.number);
        return number === undefined ? { value: null, bad: true } : { value: number };
      }
      case "date": {
        var day = rawText(els).trim();
        return { value: /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null };
      }
      default: {
        // An acknowledgement's check box sends its value only when ticked, as the form would.
        if (els.length && els[0].type === "checkbox") {
          var ticked = checkedValues(els);
          return { value: ticked.length ? ticked[0] : null };
        }
        var line = rawText(els).replace(/\r\n/g, "\n").trim();
        return { value: line ? line : null };
      }
    }
  }

  // The message the server would give for this answer's own rules, or "" (required is left to the server:
  // an empty answer is not an error while the respondent is still on the page).
  function problem(item, read, kept) {
    if (read.bad) { return item.number_message; }
    var value = read.value;
    if (value === null) { return ""; }
    if (item.min !== undefined && value < item.min) { return item.min_message; }
    if (item.max !== undefined && value > item.max) { return item.max_message; }
    if (item.max_choices && value.length > item.max_choices) { return item.max_choices_message; }
    if (item.constraint) {
      var answers = Object.assign({}, kept);
      answers[item.code] = value;
      if (!truthy(evaluate(item.constraint, answers, value))) { return item.constraint_message; }
    }
    return "";
  }

  window.surveyLogic = { evaluate: evaluate, truthy: truthy, walk: walk, visibleCodes: visibleCodes };

  // --- the page -----------------------------------------------------------------------------------------

  var form = document.querySelector("form[data-logic]");
  if (!form) { return; }
  var logic;
  try { logic = JSON.parse(form.dataset.logic); } catch (e) { return; }
  var wrappers = {};
  form.querySelectorAll("[data-item]").forEach(function (el) { wrappers[el.dataset.item] = el; });
  var shownField = form.querySelector('input[name="shown"]');
  var notice = document.getElementById("relevance-notice");
  var touched = {};
  // Where the page's rules hold: the page itself, or each instance of a repeat page, whose fields are named
  // <repeat>.<position>.<item> (the server's routing.instance_prefix) and whose rules read its own answers.
  var scopes = logic.repeat
    ? Array.prototype.map.call(form.querySelectorAll("fieldset[data-instance]"), function (box) {
      var position = Number(box.dataset.instance);
      return { prefix: logic.repeat + "." + position + ".", position: position };
    })
    : [{ prefix: "", position: null }];

  function rowsOf(code) {
    var seen = [];
    var prefix = code + ".";
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name.indexOf(prefix) === 0) {
        var row = el.name.slice(prefix.length);
        if (seen.indexOf(row) < 0) { seen.push(row); }
      }
    });
    return seen;
  }

  // The controls of one item say whether the script found a problem, and which text describes it.
  function markControls(box, id, invalid) {
    box.querySelectorAll("input, select, textarea").forEach(function (el) {
      var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (v) { return v && v !== id; });
      if (invalid) { ids.push(id); }
      if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); } else { el.removeAttribute("aria-describedby"); }
      if (invalid) { el.setAttribute("aria-invalid", "true"); } else if (!box.classList.contains("has-error")) { el.removeAttribute("aria-invalid"); }
    });
  }

  function showMessage(code, message) {
    var box = document.getElementById("item-" + code);
    if (!box) { return; }
    var id = code + "-check";
    var p = document.getElementById(id);
    markControls(box, id, !!message);
    if (!message) {
      if (p) { p.remove(); }
      box.classList.remove("has-check");
      return;
    }
    if (!p) {
      p = document.createElement("p");
      p.id = id;
      p.className = "error client-check";
      p.setAttribute("aria-live", "polite");
      var anchor = box.querySelector(":scope > .hint") ||
        box.querySelector(":scope > legend, :scope > label, :scope > .matrix-label");
      if (anchor) { anchor.after(p); } else { box.prepend(p); }
    }
    p.textContent = message;
    box.classList.add("has-check");
  }

  // A general choice_filter: offer only the options whose `choice` mapping passes, with the answers so far,
  // as the server's choice_filters.offers does. An option that goes away loses its tick, and reports it.
  function narrowChoices(state, scope) {
    var cleared = false;
    logic.items.forEach(function (item) {
      var name = scope.prefix + item.code;
      if (!item.choice_filter || !wrappers[name]) { return; }
      var answers = Object.assign({}, state.kept);
      delete answers[item.code];
      var offered = function (code) {
        answers.choice = item.choice_values[code] || null;
        return truthy(evaluate(item.choice_filter, answers, null));
      };
      named(form, name).forEach(function (el) {
        if (el.tagName === "SELECT") {
          Array.prototype.forEach.call(el.options, function (option) {
            if (!option.value) { return; }
            var on = offered(option.value);
            option.hidden = !on;
            option.disabled = !on;
            if (!on && option.selected) { el.value = ""; cleared = true; }
          });
          return;
        }
        var on = offered(el.value);
        var label = el.closest("label") || el;
        label.hidden = !on;
        el.disabled = !on;
        if (!on && el.checked) { el.checked = false; cleared = true; }
      });
    });
    return cleared;
  }

  function readAll(scope, reads) {
    var values = {};
    logic.items.forEach(function (item) {
      var name = scope.prefix + item.code;
      if (!item.kind || !wrappers[name]) { return; }
      reads[name] = readItem(form, item, name, rowsOf);
      values[item.code] = reads[name].value;
    });
    return values;
  }

  // One scope (the page, or one instance): shows and hides its questions; returns those it showed and opened.
  function updateScope(scope, visible, appeared) {
    var reads = {};
    var values = readAll(scope, reads);
    var state = walk(logic, values, scope.position);
    // An untick can narrow a later filter in turn (best reads used): again until nothing changes.
    for (var pass = 0; pass < logic.items.length && narrowChoices(state, scope); pass++) {
      values = readAll(scope, reads);
      state = walk(logic, values, scope.position);
    }
    var kept = Object.assign({}, logic.answers || {});
    if (scope.position !== null) { kept.__position__ = scope.position; }
    if (logic.choice_names) { kept.__choice_names__ = logic.choice_names; }
    logic.items.forEach(function (item) {
      var name = scope.prefix + item.code;
      var on = state.visible[item.code];
      var wrapper = wrappers[name];
      if (on && state.kept[item.code] !== undefined) { kept[item.code] = state.kept[item.code]; }
      if (!wrapper || !item.shown) { return; }
      if (on) { visible.push(item.code); }
      if (on && wrapper.hidden) {
        wrapper.hidden = false;
        wrapper.disabled = false;
        wrapper.classList.add("is-new");
        appeared.push(name);
      } else if (!on && !wrapper.hidden) {
        wrapper.hidden = true;
        wrapper.disabled = true;  // not posted, as the server drops answers to hidden questions
        wrapper.classList.remove("is-new");
      }
      if (on && touched[name] && reads[name]) {
        var before = Object.assign({}, kept);
        delete before[item.code];
        showMessage(name, problem(item, reads[name], before));
      }
    });
  }

  function update() {
    var appeared = [];
    var visible = [];
    scopes.forEach(function (scope) { updateScope(scope, visible, appeared); });
    // The server compares this list with what is relevant now: questions shown here count as seen. (A repeat
    // page's list names its items once for all instances, as the server draws it: it is left as it is.)
    if (shownField && !logic.repeat) { shownField.value = visible.join(" "); }
    if (appeared.length && notice) {
      notice.classList.add("flash", "new-questions");
      notice.textContent = "";
      notice.textContent = notice.dataset.message;
    }
  }

  function itemOf(el) {
    var wrapper = el.closest("[data-item]");
    return wrapper ? wrapper.dataset.item : null;
  }

  form.addEventListener("change", function (event) {
    var code = itemOf(event.target);
    if (code) { touched[code] = true; }
    update();
  });
  form.addEventListener("input", function (event) {
    // Typing changes follow-ups at once; its message waits for the change (leaving the field).
    if (event.target.type === "text" || event.target.tagName === "TEXTAREA") { update(); }
  });
  update();

  // After a round trip that opened questions, take the respondent to the first of them.
  var first = form.querySelector("[data-item].is-new:not([hidden])");
  if (first) {
    var target = first.querySelector("input, select, textarea") || first;
    target.focus();
    first.scrollIntoView({ block: "center" });
  }
})();
