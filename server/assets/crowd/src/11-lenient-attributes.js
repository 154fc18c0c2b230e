  // ---------------------------------------------------------------- lenient attribute values
  // Accepts JSON, and the JS-object-literal / Python-ish spellings templates use:
  // single-quoted strings, unquoted keys, trailing commas, comments, True/False/None, Ruby "=>".
  function parseLoose(src) {
    if (src == null) return undefined;
    let text = String(src).trim();
    if (!text) return undefined;
    try { return JSON.parse(text); } catch (_) { /* fall through to the lenient reader */ }
    try { return looseRead(text); } catch (first) {
      if (/&(quot|#3?4|#39|apos|amp|lt|gt);/.test(text)) {
        const ta = D.createElement('textarea');
        ta.innerHTML = text;
        return looseRead(ta.value.trim());
      }
      throw first;
    }
  }
  function looseRead(text) {
    let i = 0;
    const fail = (m) => { throw new SyntaxError(m + ' at character ' + (i + 1)); };
    const idRe = /[A-Za-z_$][\w$-]*/y;
    const numRe = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
    function ws() {
      for (;;) {
        const c = text[i];
        if (c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\u00a0') i++;
        else if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; }
        else if (c === '/' && text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0) fail('Unclosed comment'); i = e + 2; }
        else return;
      }
    }
    function str() {
      const q = text[i++];
      let out = '';
      while (i < text.length) {
        const c = text[i++];
        if (c === q) return out;
        if (c !== '\\') { out += c; continue; }
        const n = text[i++];
        if (n === 'n') out += '\n';
        else if (n === 't') out += '\t';
        else if (n === 'r') out += '\r';
        else if (n === 'b') out += '\b';
        else if (n === 'f') out += '\f';
        else if (n === 'u') {
          const hex = text.substr(i, 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('Bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16)); i += 4;
        } else if (n !== '\n') out += n;
      }
      return fail('Unterminated string');
    }
    function word(re) { re.lastIndex = i; const m = re.exec(text); if (m) i += m[0].length; return m && m[0]; }
    function value() {
      ws();
      const c = text[i];
      if (c === '{') {
        i++;
        const o = {};
        for (;;) {
          ws();
          if (text[i] === '}') { i++; return o; }
          let k;
          if (text[i] === '"' || text[i] === "'") k = str();
          else { k = word(idRe) || word(numRe); if (k == null) fail('Expected a key'); }
          ws();
          if (text[i] === ':') i++;
          else if (text[i] === '=' && text[i + 1] === '>') i += 2;
          else fail('Expected ":"');
          o[k] = value();
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === '}') { i++; return o; }
          fail('Expected "," or "}"');
        }
      }
      if (c === '[') {
        i++;
        const a = [];
        for (;;) {
          ws();
          if (text[i] === ']') { i++; return a; }
          a.push(value());
          ws();
          if (text[i] === ',') { i++; continue; }
          if (text[i] === ']') { i++; return a; }
          fail('Expected "," or "]"');
        }
      }
      if (c === '"' || c === "'") return str();
      const n = word(numRe);
      if (n != null) return Number(n);
      const w = word(idRe);
      if (w === 'true' || w === 'True') return true;
      if (w === 'false' || w === 'False') return false;
      if (w === 'null' || w === 'None' || w === 'nil' || w === 'undefined') return null;
      if (w) { i -= w.length; fail('Unexpected word "' + w + '"'); }
      return fail(c === undefined ? 'Unexpected end of value' : 'Unexpected "' + c + '"');
    }
    const v = value();
    ws();
    if (i < text.length) fail('Unexpected text after the value');
    return v;
  }
  function readAttr(el, name, def) {
    const raw = el.getAttribute(name);
    if (raw == null || !raw.trim()) return def;
    try { return parseLoose(raw); } catch (e) {
      throw new Error('The "' + name + '" attribute could not be read (' + e.message + ').');
    }
  }
  function listAttr(el, name) {
    const v = readAttr(el, name, []);
    if (v == null) return [];
    if (!Array.isArray(v)) throw new Error('The "' + name + '" attribute must be a list, like ["a", "b"].');
    return v;
  }
  function labelText(v) {
    if (isObj(v)) return String(v.label != null ? v.label : v.name != null ? v.name : v.text != null ? v.text : '');
    return v == null ? '' : String(v);
  }
  function exclusionText(el, def) {
    if (!el.hasAttribute('exclusion-category')) return def;
    const raw = el.getAttribute('exclusion-category');
    if (!raw.trim()) return def || 'None of the above';
    let v;
    try { v = parseLoose(raw); } catch (_) { v = raw; }
    return labelText(v) || def || 'None of the above';
  }
  function srcAttr(el) { return el.getAttribute('src') || ''; }

