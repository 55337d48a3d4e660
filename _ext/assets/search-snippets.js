/* The search page's result snippets show formulas as text, not as raw TeX.
 *
 * Sphinx builds a snippet from the result page's text, where a formula is still its TeX
 * source (MathJax typesets it only in the page itself): "\(\delta^{l+1}\)" would show as
 * that. Before Sphinx reads the text, every formula (span.math, div.math) is rewritten as
 * plain Unicode: Greek letters and operators as symbols, sub- and superscripts as Unicode
 * sub- and superscripts where those exist (W^l_{jk} -> Wˡⱼₖ), \frac{a}{b} as a/b.
 * Each snippet is cut from the page's body text, its article (not from the in-page table of
 * contents, where a section title would match first).
 * Loaded by _ext/search_snippets.py on search.html only, deferred: it runs after
 * searchtools.js and before Sphinx starts searching (on DOMContentLoaded).
 */
(() => {
  "use strict";
  const SYMBOLS = {
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", zeta: "ζ",
    eta: "η", theta: "θ", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π",
    rho: "ρ", sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
    Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Pi: "Π", Sigma: "Σ", Phi: "Φ",
    Psi: "Ψ", Omega: "Ω", partial: "∂", nabla: "∇", sum: "Σ", prod: "Π", int: "∫",
    odot: "⊙", otimes: "⊗", circ: "∘", cdot: "·", cdots: "⋯", ldots: "…", dots: "…",
    times: "×", div: "÷", pm: "±", mp: "∓", le: "≤", leq: "≤", ge: "≥", geq: "≥",
    ne: "≠", neq: "≠", approx: "≈", sim: "∼", equiv: "≡", propto: "∝", infty: "∞",
    to: "→", rightarrow: "→", leftarrow: "←", Rightarrow: "⇒", mapsto: "↦", in: "∈",
    lVert: "‖", rVert: "‖", Vert: "‖", lvert: "|", rvert: "|", mid: "|", langle: "⟨",
    rangle: "⟩", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉", top: "ᵀ", prime: "′",
    ln: "ln", log: "log", exp: "exp", max: "max", min: "min", tanh: "tanh", sin: "sin",
    cos: "cos", quad: " ", qquad: "  ", ",": " ", ";": " ", ":": " ", "!": "", " ": " ",
    "{": "{", "}": "}", "_": "_", "%": "%", "&": "&", "#": "#", "\\": " ",
  };
  const SUP = {
    0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹",
    "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", a: "ᵃ", b: "ᵇ", c: "ᶜ",
    d: "ᵈ", e: "ᵉ", f: "ᶠ", g: "ᵍ", h: "ʰ", i: "ⁱ", j: "ʲ", k: "ᵏ", l: "ˡ", m: "ᵐ", n: "ⁿ",
    o: "ᵒ", p: "ᵖ", r: "ʳ", s: "ˢ", t: "ᵗ", u: "ᵘ", v: "ᵛ", w: "ʷ", x: "ˣ", y: "ʸ", z: "ᶻ",
    T: "ᵀ", L: "ᴸ", N: "ᴺ", "′": "′", "*": "*", " ": "",
  };
  const SUB = {
    0: "₀", 1: "₁", 2: "₂", 3: "₃", 4: "₄", 5: "₅", 6: "₆", 7: "₇", 8: "₈", 9: "₉",
    "+": "₊", "-": "₋", "−": "₋", "=": "₌", "(": "₍", ")": "₎", a: "ₐ", e: "ₑ", h: "ₕ",
    i: "ᵢ", j: "ⱼ", k: "ₖ", l: "ₗ", m: "ₘ", n: "ₙ", o: "ₒ", p: "ₚ", r: "ᵣ", s: "ₛ", t: "ₜ",
    u: "ᵤ", v: "ᵥ", x: "ₓ", ",": ",", " ": "",
  };
  // Commands whose argument is shown as it is: \mathrm{x} -> x.
  const PLAIN = /^(mathrm|mathbf|mathit|mathcal|mathbb|boldsymbol|bm|text|textrm|textbf|operatorname|hat|tilde|bar|overline|vec|mathsf|left|right|big|Big|bigg|Bigg|displaystyle|textstyle|begin|end)$/;

  // The group at s[i]: a {...} group, a \command, or one character; [text, next index].
  function group(s, i) {
    while (s[i] === " ") i++;
    if (s[i] === "{") {
      let depth = 1, j = i + 1;
      while (j < s.length && depth) { if (s[j] === "{") depth++; else if (s[j] === "}") depth--; j++; }
      return [s.slice(i + 1, j - 1), j];
    }
    if (s[i] === "\\") {
      const m = /^\\([A-Za-z]+|.)/.exec(s.slice(i));
      return [m[0], i + m[0].length];
    }
    return [s[i] || "", i + 1];
  }

  function script(text, table, mark) {
    const chars = Array.from(text);
    if (chars.every((c) => c in table)) return chars.map((c) => table[c]).join("");
    return mark + (chars.length > 1 ? "(" + text + ")" : text);
  }

  function texToText(tex) {
    let out = "", i = 0;
    while (i < tex.length) {
      const c = tex[i];
      if (c === "\\") {
        const m = /^\\([A-Za-z]+|.)/.exec(tex.slice(i));
        const name = m[1];
        i += m[0].length;
        if (name === "frac" || name === "dfrac" || name === "tfrac") {
          let num, den;
          [num, i] = group(tex, i);
          [den, i] = group(tex, i);
          const n = texToText(num), d = texToText(den);
          out += (n.length > 1 ? "(" + n + ")" : n) + "/" + (d.length > 1 ? "(" + d + ")" : d);
        } else if (name === "sqrt") {
          let arg;
          [arg, i] = group(tex, i);
          out += "√(" + texToText(arg) + ")";
        } else if (name === "begin" || name === "end") {
          [, i] = group(tex, i);
        } else if (PLAIN.test(name)) {
          if (tex[i] === "{") { let arg; [arg, i] = group(tex, i); out += texToText(arg); }
        } else if (name in SYMBOLS) {
          out += SYMBOLS[name];
          // ∂ and ∇ bind to what follows: "\partial C" reads ∂C.
          if (name === "partial" || name === "nabla") while (tex[i] === " ") i++;
        } else {
          out += name;
        }
      } else if (c === "^" || c === "_") {
        let arg;
        [arg, i] = group(tex, i + 1);
        const text = texToText(arg).replace(/\s+/g, " ").trim();
        out += script(text, c === "^" ? SUP : SUB, c);
      } else if (c === "{" || c === "}" || c === "&") {
        i++;
      } else if (c === "'") {
        out += "′";
        i++;
      } else {
        out += c;
        i++;
      }
    }
    return out.replace(/\s+/g, " ");
  }

  function stripDelimiters(tex) {
    return tex.trim().replace(/^\\\(|\\\)$/g, "").replace(/^\\\[|\\\]$/g, "")
      .replace(/^\$\$?|\$\$?$/g, "");
  }

  window.mdlibTexToText = (tex) => texToText(stripDelimiters(tex)).trim();

  function install() {
    // searchtools.js declares Search with `const`: a global binding, not a window property.
    if (typeof Search === "undefined" || !Search.htmlToText || Search.htmlToText.mdlib) return;
    const original = Search.htmlToText;
    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll("span.math, div.math").forEach((el) => {
        el.textContent = " " + window.mdlibTexToText(el.textContent) + " ";
      });
      // The snippet comes from the body text: the page's article alone, without its title
      // (the result's link shows it), so not from the in-page table of contents or the
      // article's header, which Sphinx's [role=main] also holds and where a section title
      // would match before the text does.
      const main = doc.querySelector('[role="main"]');
      const article = doc.querySelector("article.bd-article");
      if (main && article) {
        article.querySelectorAll("h1").forEach((el) => el.remove());
        main.replaceChildren(article);
      }
      return original(doc.documentElement.outerHTML, anchor);
    };
    Search.htmlToText.mdlib = true;
  }
  install();
})();
