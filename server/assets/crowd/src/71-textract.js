  // ---------------------------------------------------------------- A2I: Textract key-value pairs
  addShadowCss(`
.lp-tx{display:grid;grid-template-columns:repeat(auto-fit,minmax(19rem,1fr));gap:1rem;align-items:start}
.lp-tx-pairs{display:flex;flex-direction:column;gap:.5rem;max-height:none}
.lp-tx-pair{border:1px solid var(--lp-line);border-radius:var(--lp-r);padding:.55rem .7rem;background:var(--lp-bg)}
.lp-tx-pair.lp-active{border-color:var(--lp-accent);box-shadow:0 0 0 2px rgba(36,86,196,.25)}
.lp-tx-pair.lp-imp{border-left:4px solid var(--lp-warn)}
.lp-tx-top{display:flex;align-items:center;gap:.4rem;flex-wrap:wrap;font-size:.82rem;color:var(--lp-muted)}
.lp-tx-top .lp-x{margin-left:auto}
.lp-tx-grid{display:grid;grid-template-columns:3.3rem minmax(0,1fr);gap:.3rem .5rem;align-items:center;margin-top:.35rem}
.lp-tx-grid .lp-text{min-height:2.1rem;padding:.3rem .5rem}
.lp-tx-ro{padding:.3rem 0;font-weight:600}
.lp-tx-tools{display:flex;gap:.4rem;flex-wrap:wrap;margin-top:.4rem}
.lp-tx-missing{border:1px dashed var(--lp-warn);background:var(--lp-warn-soft);border-radius:var(--lp-r);padding:.5rem .7rem;font-size:.9rem}
.lp-tx-missing ul{margin:.3rem 0 0;padding-left:1.1rem}
.lp-pages{display:flex;gap:.35rem;flex-wrap:wrap;margin-bottom:.5rem}
.lp-pages button[aria-pressed=true]{background:var(--lp-accent);color:#fff;border-color:var(--lp-accent)}
`);
  const TX_KEY = 'AWS/Textract/AnalyzeDocument/Forms/V1';
  function rel(b, type) {
    const out = [];
    for (const r of (b && b.relationships) || []) if (r && r.type === type && Array.isArray(r.ids)) out.push(...r.ids);
    return out;
  }
  function geom(left, top, width, height) {
    return { boundingBox: { height, left, top, width }, polygon: [{ x: left, y: top }, { x: left + width, y: top }, { x: left + width, y: top + height }, { x: left, y: top + height }] };
  }
  function normKey(t) { return String(t || '').toLowerCase().replace(/\s+/g, ' ').replace(/[\s:]+$/, '').trim(); }
  class TextractForms extends Crowd {
    render() {
      const L = taskLayout(this, 'Review the key-value pairs listed and correct them if they don\u2019t match the document.');
      const rawSrc = (this.getAttribute('src') || '').trim();
      let pages = [rawSrc];
      if (rawSrc.startsWith('[')) {
        const v = readAttr(this, 'src', []);
        if (!Array.isArray(v)) throw new Error('The "src" attribute must be an image URL or a list of page image URLs.');
        pages = v.map((x) => (isObj(x) ? String(x.src || x.url || '') : String(x)));
      }
      this._pages = pages.filter(Boolean);
      if (!this._pages.length) this._pages = [''];
      let raw = readAttr(this, 'initial-value', []);
      if (isObj(raw)) raw = raw.blocks || raw.Blocks || [];
      if (!Array.isArray(raw)) throw new Error('The "initial-value" attribute must be a list of Textract blocks.');
      const blocks = camel(raw).filter(isObj);
      this._byId = new Map(blocks.map((b) => [b.id, b]));
      this._paged = blocks.some((b) => b.page != null) || this._pages.length > 1;
      this._noKeyEdit = flag(this, 'no-key-edit');
      this._noGeo = flag(this, 'no-geometry-edit');
      this._keys = listAttr(this, 'keys').map((k) => camel(isObj(k) ? k : { importantFormKey: String(k) }))
        .map((k) => ({ name: String(k.importantFormKey || ''), aliases: (Array.isArray(k.importantFormKeyAliases) ? k.importantFormKeyAliases : []).map(String) }))
        .filter((k) => k.name);
      const kv = (b) => b.blockType === 'KEY_VALUE_SET';
      const has = (b, t) => Array.isArray(b.entityTypes) && b.entityTypes.includes(t);
      const used = new Set();
      this._pairs = [];
      for (const b of blocks) {
        if (!kv(b) || !has(b, 'KEY')) continue;
        const vid = rel(b, 'VALUE')[0];
        const vb = vid != null ? this._byId.get(vid) : null;
        if (vb) used.add(vb.id);
        this._pairs.push({ key: this._side(b), value: this._side(vb), vid, page: b.page || 1, isNew: false, deleted: false });
      }
      this._orphans = blocks.filter((b) => kv(b) && !has(b, 'KEY') && !used.has(b.id));
      this._page = 0;
      this._active = -1;
      this._drawing = null;
      // document viewer
      this._pageBar = h('div', { class: 'lp-pages', role: 'group', 'aria-label': 'Pages', hidden: this._pages.length < 2 });
      this._pages.forEach((_, i) => {
        const b = h('button', { type: 'button', class: 'lp-btn lp-small', 'aria-pressed': String(i === 0), text: 'Page ' + (i + 1) });
        b.addEventListener('click', () => this._showPage(i));
        this._pageBar.append(b);
      });
      this._stage = imageStage(this._pages[0], { unit: true, alt: 'Document page 1', onLoad: () => this._paint() });
      const svgEl = this._stage.svg;
      svgEl.addEventListener('pointerdown', (e) => this._geoDown(e));
      svgEl.addEventListener('pointermove', (e) => this._geoMove(e));
      svgEl.addEventListener('pointerup', (e) => this._geoUp(e));
      this._stage.wrap.addEventListener('keydown', (e) => { if (e.key === 'Escape' && this._drawing) { e.preventDefault(); this._endDraw(); } });
      this._drawNote = h('p', { class: 'lp-hint', 'aria-live': 'polite' });
      const doc = h('div', { class: 'lp-tx-doc' }, this._pageBar, this._stage.wrap, this._drawNote);
      // pairs
      this._missing = h('div', { class: 'lp-tx-missing', hidden: true });
      this._list = h('div', { class: 'lp-tx-pairs' });
      const addBtn = h('button', { type: 'button', class: 'lp-btn lp-small', 'data-lp': '', text: '+ Add a key-value pair' });
      addBtn.addEventListener('click', () => this._addPair(''));
      this._pairs.forEach((p, i) => this._list.append(this._card(p, i)));
      const col = h('div', null, h('h3', { class: 'lp-region-title', text: 'Key-value pairs (' + this._pairs.length + ')' }), this._missing, this._list, h('div', { class: 'lp-tx-tools' }, addBtn));
      L.main.append(h('div', { class: 'lp-tx' }, doc, col));
      L.finish();
      this._err = L.err;
      this._updateMissing();
    }
    _side(b) {
      if (!b) return { block: null, text: '', orig: '', words: [], sels: [], geo: null };
      const kids = rel(b, 'CHILD').map((id) => this._byId.get(id)).filter(Boolean);
      const words = kids.filter((k) => k.blockType === 'WORD');
      const sels = kids.filter((k) => k.blockType === 'SELECTION_ELEMENT').map((k) => ({ block: k, status: k.selectionStatus, orig: k.selectionStatus }));
      const text = words.length ? words.map((w) => w.text || '').join(' ') : typeof b.text === 'string' ? b.text : '';
      return { block: b, text, orig: text, words, sels, geo: null };
    }
    _important(text) {
      const n = normKey(text);
      if (!n) return null;
      return this._keys.find((k) => normKey(k.name) === n || k.aliases.some((a) => normKey(a) === n)) || null;
    }
    _conf(sd) { const c = sd.block && sd.block.confidence; return typeof c === 'number' ? Math.round(c) + '%' : null; }
    _card(p, i) {
      const card = h('div', { class: 'lp-tx-pair', role: 'group', 'aria-label': 'Pair ' + (i + 1), 'data-i': i });
      const imp = h('span', { class: 'lp-badge lp-warnb', hidden: true, text: 'Important' });
      const kc = this._conf(p.key), vc = this._conf(p.value);
      const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove pair ' + (i + 1), title: 'Remove this pair', text: '\u00d7' });
      const top = h('div', { class: 'lp-tx-top' }, h('strong', { text: '#' + (i + 1) }), imp,
        this._pages.length > 1 ? h('span', { class: 'lp-badge lp-soft', text: 'Page ' + p.page }) : null,
        kc || vc ? h('span', { text: 'Confidence: key ' + (kc || '\u2013') + ', value ' + (vc || '\u2013') }) : null, del);
      const kid = uid('k'), vid = uid('v');
      const grid = h('div', { class: 'lp-tx-grid' });
      const keyEditable = !this._noKeyEdit || p.isNew;
      let keyInput = null;
      grid.append(h('label', { class: 'lp-label', for: kid, text: 'Key' }));
      if (keyEditable) {
        keyInput = h('input', { id: kid, class: 'lp-text', 'data-lp': '', value: p.key.text });
        keyInput.addEventListener('input', () => { p.key.text = keyInput.value; markImp(); this._updateMissing(); });
        grid.append(keyInput);
      } else grid.append(h('div', { class: 'lp-tx-ro', id: kid, text: p.key.text || '(no text)' }));
      grid.append(h('label', { class: 'lp-label', for: vid, text: 'Value' }));
      const valInput = h('input', { id: vid, class: 'lp-text', 'data-lp': '', value: p.value.text });
      valInput.addEventListener('input', () => { p.value.text = valInput.value; });
      const valCell = h('div', null, valInput);
      p.value.sels.forEach((sx, j) => {
        const cb = h('input', { type: 'checkbox', 'data-lp': '' });
        cb.checked = sx.status === 'SELECTED';
        cb.addEventListener('change', () => { sx.status = cb.checked ? 'SELECTED' : 'NOT_SELECTED'; });
        valCell.append(h('label', { class: 'lp-check' }, cb, 'Selected' + (p.value.sels.length > 1 ? ' (' + (j + 1) + ')' : '')));
      });
      grid.append(valCell);
      card.append(top, grid);
      if (!this._noGeo) {
        const tools = h('div', { class: 'lp-tx-tools' });
        for (const which of keyEditable ? ['key', 'value'] : ['value']) {
          const b = h('button', { type: 'button', class: 'lp-btn lp-small', 'data-lp': '', text: 'Draw ' + which + ' box' });
          b.addEventListener('click', () => this._startDraw(p, which));
          tools.append(b);
        }
        card.append(tools);
      }
      const markImp = () => { const k = this._important(p.key.text); imp.hidden = !k; card.classList.toggle('lp-imp', !!k); };
      markImp();
      del.addEventListener('click', () => {
        if (locked()) return;
        p.deleted = !p.deleted;
        card.style.opacity = p.deleted ? '0.55' : '';
        del.textContent = p.deleted ? '\u21b6' : '\u00d7';
        del.setAttribute('aria-label', (p.deleted ? 'Restore pair ' : 'Remove pair ') + (i + 1));
        for (const c of card.querySelectorAll('input')) c.disabled = p.deleted;
        this._updateMissing();
        this._paint();
      });
      const act = () => this._activate(i);
      card.addEventListener('mouseenter', act);
      card.addEventListener('focusin', act);
      p.card = card;
      return card;
    }
    _addPair(keyText) {
      if (locked()) return;
      const p = { key: this._side(null), value: this._side(null), vid: null, page: this._page + 1, isNew: true, deleted: false };
      p.key.text = keyText;
      this._pairs.push(p);
      const card = this._card(p, this._pairs.length - 1);
      this._list.append(card);
      this._updateMissing();
      const inputs = card.querySelectorAll('input.lp-text');
      (keyText ? inputs[1] : inputs[0]).focus();
      queueHeight();
    }
    _updateMissing() {
      const present = new Set();
      for (const p of this._pairs) { if (p.deleted) continue; const k = this._important(p.key.text); if (k) present.add(k); }
      const missing = this._keys.filter((k) => !present.has(k));
      const box = this._missing;
      box.textContent = '';
      box.hidden = !missing.length;
      if (!missing.length) return;
      const ul = h('ul');
      for (const k of missing) {
        const b = h('button', { type: 'button', class: 'lp-link', 'data-lp': '', text: 'add it' });
        b.addEventListener('click', () => this._addPair(k.name));
        ul.append(h('li', null, h('strong', { text: k.name }), ' \u2014 not found. ', b));
      }
      box.append(h('div', { text: 'Important keys not in the list: if the document has them, add them.' }), ul);
      queueHeight();
    }
    _activate(i) {
      if (this._active === i) return;
      this._active = i;
      this._pairs.forEach((p, j) => p.card && p.card.classList.toggle('lp-active', j === i));
      const p = this._pairs[i];
      if (p && p.page - 1 !== this._page && p.page - 1 < this._pages.length) this._showPage(p.page - 1);
      else this._paint();
    }
    _showPage(n) {
      if (n === this._page) return;
      this._page = n;
      Array.from(this._pageBar.children).forEach((b, i) => b.setAttribute('aria-pressed', String(i === n)));
      this._stage.img.alt = 'Document page ' + (n + 1);
      this._stage.svg.textContent = '';
      this._stage.setSrc(this._pages[n]);
    }
    _box(sd) {
      const g = sd.geo || (sd.block && sd.block.geometry);
      const bb = g && g.boundingBox;
      return bb && [bb.left, bb.top, bb.width, bb.height].every((v) => typeof v === 'number') ? bb : null;
    }
    _paint() {
      const svgEl = this._stage.svg;
      svgEl.textContent = '';
      this._pairs.forEach((p, i) => {
        if (p.deleted || p.page - 1 !== this._page) return;
        const on = i === this._active;
        [[p.key, '#c2410c'], [p.value, '#2563eb']].forEach(([sd, c]) => {
          const bb = this._box(sd);
          if (!bb) return;
          svgEl.append(s('rect', { x: bb.left, y: bb.top, width: bb.width, height: bb.height, fill: c, 'fill-opacity': on ? 0.25 : 0.05, stroke: c, 'stroke-opacity': on ? 1 : 0.45, class: 'lp-shape' + (on ? ' lp-sel' : ''), style: 'pointer-events:none', 'data-pair': i }));
        });
      });
      const d = this._drawing;
      if (d && d.x1 != null) svgEl.append(s('rect', { x: Math.min(d.x0, d.x1), y: Math.min(d.y0, d.y1), width: Math.abs(d.x1 - d.x0), height: Math.abs(d.y1 - d.y0), fill: 'none', stroke: '#111', 'stroke-dasharray': '5 4', class: 'lp-shape' }));
    }
    _startDraw(p, which) {
      if (locked()) return;
      this._drawing = { p, which };
      this._stage.wrap.classList.add('lp-draw');
      this._stage.wrap.tabIndex = 0;
      this._drawNote.textContent = 'Drag on the page to draw the ' + which + ' box (Escape cancels).';
      if (p.page - 1 !== this._page && !p.isNew) this._showPage(p.page - 1);
      this._stage.wrap.focus();
    }
    _endDraw() { this._drawing = null; this._stage.wrap.classList.remove('lp-draw'); this._drawNote.textContent = ''; this._paint(); }
    _norm(e) { const st = this._stage, q = st.toImage(e); return { x: st.w ? q.x / st.w : 0, y: st.h ? q.y / st.h : 0 }; }
    _geoDown(e) {
      const d = this._drawing;
      if (!d || !this._stage.ok || locked()) return;
      e.preventDefault();
      try { this._stage.svg.setPointerCapture(e.pointerId); } catch (_) { /* synthetic */ }
      const q = this._norm(e);
      Object.assign(d, { x0: q.x, y0: q.y, x1: q.x, y1: q.y });
      this._paint();
    }
    _geoMove(e) { const d = this._drawing; if (d && d.x0 != null) { const q = this._norm(e); d.x1 = q.x; d.y1 = q.y; this._paint(); } }
    _geoUp(e) {
      const d = this._drawing;
      if (!d || d.x0 == null) return;
      this._geoMove(e);
      const w = Math.abs(d.x1 - d.x0), hh = Math.abs(d.y1 - d.y0);
      if (w > 0.003 && hh > 0.003) {
        d.p[d.which].geo = geom(Math.min(d.x0, d.x1), Math.min(d.y0, d.y1), w, hh);
        if (d.p.isNew) d.p.page = this._page + 1;
      }
      this._endDraw();
    }
    _word(t, parent, p, tokens, i) {
      const w = { blockType: 'WORD', confidence: 100, id: uuid(), text: t };
      if (this._paged) w.page = parent.page != null ? parent.page : p.page;
      const bb = parent.geometry && parent.geometry.boundingBox;
      if (bb && typeof bb.left === 'number') {
        const total = tokens.join(' ').length || 1;
        const before = tokens.slice(0, i).join(' ').length + (i ? 1 : 0);
        w.geometry = geom(bb.left + bb.width * before / total, bb.top, bb.width * t.length / total, bb.height);
      }
      return w;
    }
    _emit(sd, p, type, valueId) {
      const orig = sd.block;
      if (type === 'VALUE' && !orig && !sd.text.trim() && !sd.geo) return null;
      const textChanged = sd.text !== sd.orig;
      const selChanged = sd.sels.some((x) => x.status !== x.orig);
      if (!orig && !sd.id) sd.id = uuid();
      const block = orig ? clone(orig) : { blockType: 'KEY_VALUE_SET', entityTypes: [type], id: sd.id };
      if (!orig && this._paged) block.page = p.page;
      if (sd.geo) block.geometry = clone(sd.geo);
      block.text = sd.text || (!sd.words.length && sd.sels.length ? sd.sels.map((x) => x.status).join(' ') : '');
      if (!orig || textChanged || sd.geo || selChanged) block.confidence = 100;
      const selOut = sd.sels.map((x) => { const c = clone(x.block); if (x.status !== x.orig) { c.selectionStatus = x.status; c.confidence = 100; } return c; });
      let ids, kids;
      if (orig && !textChanged && !sd.geo) {
        ids = rel(orig, 'CHILD');
        kids = ids.map((id) => selOut.find((c) => c.id === id) || (this._byId.has(id) ? clone(this._byId.get(id)) : null)).filter(Boolean);
      } else {
        const tokens = sd.text.split(/\s+/).filter(Boolean);
        const words = orig && !sd.geo && tokens.length === sd.words.length
          ? sd.words.map((w, i) => { const c = clone(w); if (c.text !== tokens[i]) { c.text = tokens[i]; c.confidence = 100; } return c; })
          : tokens.map((t, i) => this._word(t, block, p, tokens, i));
        kids = words.concat(selOut);
        ids = kids.map((k) => k.id);
      }
      const rels = [];
      if (ids.length) rels.push({ type: 'CHILD', ids });
      if (valueId != null) rels.push({ type: 'VALUE', ids: [valueId] });
      for (const r of (orig && orig.relationships) || []) if (r && r.type !== 'CHILD' && r.type !== 'VALUE') rels.push(clone(r));
      if (rels.length) block.relationships = rels; else delete block.relationships;
      return { block, kids };
    }
    _blocks() {
      const out = [];
      for (const p of this._pairs) {
        if (p.deleted) continue;
        const v = this._emit(p.value, p, 'VALUE', null);
        const k = this._emit(p.key, p, 'KEY', v ? v.block.id : p.vid);
        out.push(k.block, ...k.kids);
        if (v) out.push(v.block, ...v.kids);
      }
      for (const b of this._orphans) out.push(clone(b));
      return out;
    }
    get value() { return this._pairs ? { [TX_KEY]: { blocks: this._blocks() } } : undefined; }
    _validate() { return this._stage && this._stage.failed ? imageProblem(this._stage) : null; }
    _contribute(answer) { if (this._pairs) Object.assign(answer, this.value); }
  }

