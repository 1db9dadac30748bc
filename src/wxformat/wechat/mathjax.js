// wxformat's side of MathJax: its configuration, and the step that turns MathJax's SVG into
// the SVG the WeChat editor keeps. Evaluated before MathJax's own files (the config) and
// called once per formula (wxDraw).
//
// WeChat keeps inline <svg> with <g> and <path> (W3), drops every id and class (W6), and
// dark mode leaves SVG alone, so colour must be currentColor (W21). MathJax draws with
// nested <svg> (stretched delimiters), <rect> (fraction bars), <line>, <text> and one
// transform per glyph. Here every filled shape of one colour becomes one <path> in the
// formula's own coordinates (1/1000 em, integers, relative commands): what WeChat keeps,
// and a fifth of MathJax's size. Strokes (table rules, boxes) stay separate <path>s;
// characters the math font lacks (Chinese) stay <text> in the article's font.

var MathJax = {
  loader: { require: null, load: [] },
  startup: { typeset: false, pageReady: function () {} },
  tex: {
    // an undefined command is an error to report, not red text in the article
    packages: { "[-]": ["noundefined", "autoload", "require"] },
    formatError: function (jax, err) {
      throw err;
    },
  },
  svg: { fontCache: "none" },
};

var wxDraw = (function () {
  var IDENTITY = [1, 0, 0, 1, 0, 0];

  function multiply(m, n) {
    return [
      m[0] * n[0] + m[2] * n[1],
      m[1] * n[0] + m[3] * n[1],
      m[0] * n[2] + m[2] * n[3],
      m[1] * n[2] + m[3] * n[3],
      m[0] * n[4] + m[2] * n[5] + m[4],
      m[1] * n[4] + m[3] * n[5] + m[5],
    ];
  }

  function parseTransform(text) {
    var m = IDENTITY;
    var re = /(translate|scale|matrix)\s*\(([^)]*)\)/g;
    var found;
    while ((found = re.exec(text || ""))) {
      var v = found[2].split(/[\s,]+/).filter(Boolean).map(Number);
      var n;
      if (found[1] === "translate") n = [1, 0, 0, 1, v[0] || 0, v[1] || 0];
      else if (found[1] === "scale") n = [v[0], 0, 0, v.length > 1 ? v[1] : v[0], 0, 0];
      else n = v;
      m = multiply(m, n);
    }
    return m;
  }

  // a path's commands made absolute, H and V as L: [letter, x1, y1, ...]
  var parsed = {};
  function parsePath(d) {
    if (parsed[d]) return parsed[d];
    var tokens = d.match(/[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) || [];
    var out = [];
    var i = 0, x = 0, y = 0, sx = 0, sy = 0, cmd = "";
    function num() {
      return Number(tokens[i++]);
    }
    while (i < tokens.length) {
      if (/[A-Za-z]/.test(tokens[i])) cmd = tokens[i++];
      var rel = cmd === cmd.toLowerCase();
      var C = cmd.toUpperCase();
      var bx = rel ? x : 0, by = rel ? y : 0;
      if (C === "Z") {
        out.push(["Z"]);
        x = sx; y = sy;
        continue;
      }
      if (C === "M" || C === "L" || C === "T") {
        x = bx + num(); y = by + num();
        out.push([C, x, y]);
        if (C === "M") { sx = x; sy = y; cmd = rel ? "l" : "L"; }
      } else if (C === "H") {
        x = bx + num(); out.push(["L", x, y]);
      } else if (C === "V") {
        y = (rel ? y : 0) + num(); out.push(["L", x, y]);
      } else if (C === "Q" || C === "S") {
        var a = bx + num(), b = by + num();
        x = bx + num(); y = by + num();
        out.push([C, a, b, x, y]);
      } else if (C === "C") {
        var c1 = bx + num(), c2 = by + num(), c3 = bx + num(), c4 = by + num();
        x = bx + num(); y = by + num();
        out.push(["C", c1, c2, c3, c4, x, y]);
      } else if (C === "A") {
        var rx = num(), ry = num(), rot = num(), large = num(), sweep = num();
        x = bx + num(); y = by + num();
        out.push(["A", rx, ry, rot, large, sweep, x, y]);
      } else {
        i++; // unknown: skip a token rather than loop forever
      }
    }
    parsed[d] = out;
    return out;
  }

  // Writes one path's data: relative commands, integer coordinates, repeated letters left out
  function PathWriter() {
    this.parts = [];
    this.x = 0; this.y = 0; this.sx = 0; this.sy = 0;
    this.last = "";
    this.tail = "";
    this.empty = true;
  }
  PathWriter.prototype.emit = function (letter, numbers) {
    var repeat = letter === this.last && letter !== "m" && letter !== "M" && letter !== "z";
    var s = repeat ? "" : letter;
    var end = s ? s : this.tail;
    for (var k = 0; k < numbers.length; k++) {
      var t = String(numbers[k] === 0 ? 0 : numbers[k]);
      if (t.charAt(0) !== "-" && /[0-9]$/.test(end)) s += " ";
      s += t;
      end = t;
    }
    this.parts.push(s);
    this.tail = end;
    this.last = letter;
    this.empty = false;
  };
  PathWriter.prototype.add = function (ops, m, clip) {
    var self = this;
    function pt(px, py) {
      var X = m[0] * px + m[2] * py + m[4];
      var Y = m[1] * px + m[3] * py + m[5];
      if (clip) {
        X = Math.min(Math.max(X, clip[0]), clip[2]);
        Y = Math.min(Math.max(Y, clip[1]), clip[3]);
      }
      return [Math.round(X), Math.round(Y)];
    }
    var det = m[0] * m[3] - m[1] * m[2];
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      var C = op[0];
      if (C === "Z") {
        self.emit("z", []);
        self.x = self.sx; self.y = self.sy;
        continue;
      }
      if (C === "M") {
        var p = pt(op[1], op[2]);
        if (self.parts.length === 0) self.emit("M", p);
        else self.emit("m", [p[0] - self.x, p[1] - self.y]);
        self.x = self.sx = p[0]; self.y = self.sy = p[1];
        continue;
      }
      if (C === "A") {
        var e = pt(op[6], op[7]);
        var sweep = det < 0 ? 1 - op[5] : op[5];
        self.emit("a", [
          Math.round(Math.abs(op[1] * m[0])), Math.round(Math.abs(op[2] * m[3])), op[3], op[4],
          sweep, e[0] - self.x, e[1] - self.y,
        ]);
        self.x = e[0]; self.y = e[1];
        continue;
      }
      var nums = [];
      var end;
      for (var k = 1; k < op.length; k += 2) {
        end = pt(op[k], op[k + 1]);
        nums.push(end[0] - self.x, end[1] - self.y);
      }
      if (C === "L") {
        if (nums[1] === 0 && nums[0] === 0) continue;
        if (nums[1] === 0) self.emit("h", [nums[0]]);
        else if (nums[0] === 0) self.emit("v", [nums[1]]);
        else self.emit("l", nums);
      } else {
        self.emit(C.toLowerCase(), nums);
      }
      self.x = end[0]; self.y = end[1];
    }
  };
  PathWriter.prototype.data = function () {
    return this.parts.join("");
  };

  function attr(node, name) {
    var v = node.attributes ? node.attributes[name] : undefined;
    return v === undefined || v === null ? null : String(v);
  }

  // text and attribute values (a \\color{...} is the writer's own string)
  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;");
  }

  function rectOps(x, y, w, h) {
    // the same turning sense as the TeX font's outlines, so overlaps add up, never cancel
    return [["M", x, y], ["L", x, y + h], ["L", x + w, y + h], ["L", x + w, y], ["Z"]];
  }

  function flatten(svg) {
    var fills = {}; // colour + sense -> PathWriter
    var order = [];
    var extras = []; // strokes and text, already written
    function fillWriter(colour, det) {
      var key = colour + (det < 0 ? "-" : "+");
      if (!fills[key]) {
        fills[key] = { colour: colour, writer: new PathWriter() };
        order.push(key);
      }
      return fills[key].writer;
    }
    function stroke(ops, m, colour, width, dash) {
      var w = new PathWriter();
      w.add(ops, m, null);
      var scale = Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]));
      var s = '<path fill="none" stroke="' + escape(colour) + '"';
      s += ' stroke-width="' + Math.max(1, Math.round(width * scale)) + '"';
      if (dash) {
        if (dash === "0,140") s += ' stroke-linecap="round"';
        s += ' stroke-dasharray="' + dash.split(/[\s,]+/).map(function (v) {
          return Math.round(Number(v) * scale);
        }).join(" ") + '"';
      }
      extras.push(s + ' d="' + w.data() + '"/>');
    }
    function walk(node, m, colour, strokeColour, clip) {
      if (!node.kind || node.kind === "#text" || node.kind === "#comment") return;
      var kind = node.kind;
      var own = attr(node, "transform");
      if (own) m = multiply(m, parseTransform(own));
      var fill = attr(node, "fill");
      var strokeAttr = attr(node, "stroke");
      var fc = fill && fill !== "none" ? fill : colour;
      var sc = strokeAttr && strokeAttr !== "none" ? strokeAttr : strokeColour;
      var strokeWidth = Number(attr(node, "stroke-width") || 0);
      var cls = attr(node, "class") || "";
      var dash = attr(node, "stroke-dasharray");
      if (attr(node, "data-line") !== null || attr(node, "data-frame") !== null) {
        // table rules: MathJax styles them from a stylesheet, which WeChat drops (W1)
        fill = "none";
        if (!strokeWidth) strokeWidth = 70;
        if (cls.indexOf("mjx-dashed") >= 0) dash = "140";
        if (cls.indexOf("mjx-dotted") >= 0) dash = "0,140";
      }
      var det = m[0] * m[3] - m[1] * m[2];
      if (kind === "svg") {
        var box = (attr(node, "viewBox") || "").split(/[\s,]+/).map(Number);
        var x = Number(attr(node, "x") || 0), y = Number(attr(node, "y") || 0);
        var width = Number(attr(node, "width")), height = Number(attr(node, "height"));
        if (box.length === 4 && isFinite(width) && isFinite(height) && box[2] > 0 && box[3] > 0) {
          var inner = [width / box[2], 0, 0, height / box[3], x - box[0] * width / box[2],
            y - box[1] * height / box[3]];
          m = multiply(m, inner);
          // the viewport clips (stretched delimiters use it): clamp to it instead
          var a = [m[0] * box[0] + m[2] * box[1] + m[4], m[1] * box[0] + m[3] * box[1] + m[5]];
          var b = [m[0] * (box[0] + box[2]) + m[2] * (box[1] + box[3]) + m[4],
            m[1] * (box[0] + box[2]) + m[3] * (box[1] + box[3]) + m[5]];
          clip = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]),
            Math.max(a[1], b[1])];
        } else {
          m = multiply(m, [1, 0, 0, 1, x - (box[0] || 0), y - (box[1] || 0)]);
        }
      } else if (kind === "path") {
        var ops = parsePath(attr(node, "d") || "");
        if (fill === "none") {
          if (strokeWidth > 0) stroke(ops, m, sc, strokeWidth, dash);
        } else {
          fillWriter(fc, det).add(ops, m, clip);
        }
        return;
      } else if (kind === "rect" || kind === "polygon" || kind === "line" || kind === "ellipse") {
        var shape;
        if (kind === "rect") {
          shape = rectOps(Number(attr(node, "x") || 0), Number(attr(node, "y") || 0),
            Number(attr(node, "width") || 0), Number(attr(node, "height") || 0));
        } else if (kind === "polygon") {
          var pts = (attr(node, "points") || "").split(/[\s,]+/).filter(Boolean).map(Number);
          shape = [];
          for (var k = 0; k + 1 < pts.length; k += 2) shape.push([k ? "L" : "M", pts[k], pts[k + 1]]);
          shape.push(["Z"]);
        } else if (kind === "line") {
          shape = [["M", Number(attr(node, "x1") || 0), Number(attr(node, "y1") || 0)],
            ["L", Number(attr(node, "x2") || 0), Number(attr(node, "y2") || 0)]];
        } else {
          var cx = Number(attr(node, "cx") || 0), cy = Number(attr(node, "cy") || 0);
          var rx = Number(attr(node, "rx") || 0), ry = Number(attr(node, "ry") || 0);
          shape = [["M", cx - rx, cy], ["A", rx, ry, 0, 1, 0, cx + rx, cy],
            ["A", rx, ry, 0, 1, 0, cx - rx, cy], ["Z"]];
        }
        if (fill === "none" || kind === "line") {
          if (strokeWidth > 0 && strokeAttr !== "none") {
            stroke(shape, m, sc, strokeWidth, dash);
          }
        } else if (!(kind === "rect" && attr(node, "data-hitbox"))) {
          fillWriter(fc, det).add(shape, m, clip);
        }
        return;
      } else if (kind === "text") {
        var text = "";
        for (var c = 0; c < node.children.length; c++) {
          if (node.children[c].kind === "#text") text += node.children[c].value;
        }
        if (!text) return;
        // the text's own em is 1000 units; MathJax's 884px guesses a serif font's size
        var size = Math.round(1000 * Math.sqrt(Math.abs(det)));
        var s = '<text x="' + Math.round(m[4]) + '" y="' + Math.round(m[5]) + '" font-size="' +
          size + '"';
        if (fc !== "currentColor") s += ' fill="' + escape(fc) + '"';
        var weight = attr(node, "font-weight"), style = attr(node, "font-style");
        if (weight) s += ' font-weight="' + escape(weight) + '"';
        if (style) s += ' font-style="' + escape(style) + '"';
        extras.push(s + ">" + escape(text) + "</text>");
        return;
      }
      for (var i = 0; i < node.children.length; i++) {
        walk(node.children[i], m, fc, sc, clip);
      }
    }
    walk(svg, IDENTITY, "currentColor", "currentColor", null);
    var body = "";
    for (var j = 0; j < order.length; j++) {
      var f = fills[order[j]];
      if (f.writer.empty) continue;
      body += "<path" + (f.colour === "currentColor" ? "" : ' fill="' + escape(f.colour) + '"') +
        ' d="' + f.writer.data() + '"/>';
    }
    return body + extras.join("");
  }

  function drawOne(tex, display) {
    var node;
    try {
      node = MathJax.tex2svg(tex, { display: display });
    } catch (err) {
      return "E" + (err && err.message ? err.message : String(err));
    }
    var svg = node.children[0];
    var box = attr(svg, "viewBox");
    if (!box) return "E" + "no drawing produced (a width that depends on the page)";
    // the root's own viewBox is outside the walk: it stays in MathJax's units
    var root = { kind: "g", attributes: {}, children: svg.children };
    return "S" + box + "|" + flatten(root);
  }

  // Many formulas in one call ("\u001e" between them, each "0" or "1" for display first):
  // one crossing into V8 per article rather than one per formula
  drawOne.many = function (batch) {
    var items = batch.split("\u001e");
    var out = [];
    for (var i = 0; i < items.length; i++) {
      out.push(drawOne(items[i].slice(1), items[i].charAt(0) === "1"));
    }
    return out.join("\u001e");
  };
  return drawOne;
})();
