  // ---------------------------------------------------------------- entity annotation
  addShadowCss(`
.lp-ea-text{white-space:pre-wrap;line-height:2.1;padding:.75rem 1rem;border:1px solid var(--lp-line);border-radius:var(--lp-r);background:var(--lp-bg);font-size:1.02rem;overflow-wrap:anywhere}
.lp-ent{background:color-mix(in srgb,var(--c) 18%,transparent);border-bottom:2px solid var(--c);border-radius:3px;padding:.1rem 0;cursor:pointer}
.lp-ent::after{content:attr(data-tag);font-size:.68rem;font-weight:700;color:#fff;background:var(--c);border-radius:3px;padding:0 .25rem;margin-left:.2rem;vertical-align:.15em;line-height:1.2}
.lp-ent.lp-sel{outline:2px solid var(--c);outline-offset:1px}
`);
  const WORDCH = /[\p{L}\p{N}\p{M}_]/u;
  // The selection inside this element's shadow root: Chromium reports it through
  // shadowRoot.getSelection(); the standard getComposedRanges() where there is none of that;
  // document.getSelection() (which some engines let into shadow roots) last.
  function shadowRange(root) {
    const sel = typeof root.getSelection === 'function' ? root.getSelection() : D.getSelection();
    if (!sel || sel.isCollapsed) return null;
    if (sel.rangeCount && typeof root.getSelection === 'function') return { sel, range: sel.getRangeAt(0) };
    if (typeof sel.getComposedRanges === 'function') {
      const r = sel.getComposedRanges({ shadowRoots: [root] })[0];
      if (r) { const range = D.createRange(); range.setStart(r.startContainer, r.startOffset); range.setEnd(r.endContainer, r.endOffset); return { sel, range }; }
    }
    return sel.rangeCount ? { sel, range: sel.getRangeAt(0) } : null;
  }
  // Parts: those of taskLayout, categories and choice (the label picker), hint, text (the text to
  // annotate; each labelled span is a mark with part entity), entity-list.
  class EntityAnnotation extends Crowd {
    render() {
      const L = taskLayout(this);
      this._labels = listAttr(this, 'labels').map((l) => isObj(l)
        ? { label: labelText(l), short: String(l.shortDisplayName || labelText(l)), full: String(l.fullDisplayName || labelText(l)) }
        : { label: String(l), short: String(l), full: String(l) });
      if (!this._labels.length) throw new Error('The "labels" attribute lists no labels.');
      this._text = this.getAttribute('text') || '';
      this._cps = Array.from(this._text);
      this._ents = [];
      let init = readAttr(this, 'initial-value', null);
      if (isObj(init) && Array.isArray(init.entities)) init = init.entities;
      if (init != null && !Array.isArray(init)) throw new Error('The "initial-value" attribute must be a list of entities.');
      for (const e of init || []) {
        const a = Math.trunc(+e.startOffset), b = Math.trunc(+e.endOffset);
        if (isObj(e) && a >= 0 && b > a && b <= this._cps.length && !this._overlaps(a, b)) this._ents.push({ label: labelText(e.label), start: a, end: b });
      }
      this._cur = 0;
      this._sel = -1;
      this._choices = makeChoices({ labels: this._labels.map((l) => l.full), multi: false, colors: COLORS, aria: 'Label', onChange: (i) => this._labelPicked(i) });
      this._choices.sel = new Set([0]);
      this._choices.paint();
      this._box = h('div', { class: 'lp-ea-text', part: 'text', 'aria-label': 'Text to annotate', role: 'document' });
      this._box.addEventListener('mouseup', () => setTimeout(() => this._fromSelection(), 0));
      this._box.addEventListener('keyup', (e) => { if (e.shiftKey) this._fromSelection(); });
      this._box.addEventListener('click', (e) => {
        const m = e.target.closest && e.target.closest('.lp-ent');
        if (m && !shadowRange(this.shadowRoot)) { this._select(+m.dataset.i); }
      });
      this._box.addEventListener('keydown', (e) => {
        if ((e.key === 'Delete' || e.key === 'Backspace') && this._sel >= 0 && !locked()) { e.preventDefault(); this._remove(this._sel); }
      });
      this._box.tabIndex = 0;
      this._list = h('ul', { class: 'lp-shapes', part: 'entity-list', 'aria-label': 'Labelled text' });
      this._note = h('div', { class: 'lp-hint', part: 'note', 'aria-live': 'polite' });
      L.main.append(this._choices.group, h('p', { class: 'lp-hint', part: 'hint', text: 'Choose a label, then highlight words in the text to apply it. Click highlighted text to select it; choose another label to change it, or press Delete to remove it.' }), this._box, this._note, this._list);
      L.finish();
      this._err = L.err;
      this._paint();
    }
    _color(label) { const i = this._labels.findIndex((l) => l.label === label); return COLORS[(i < 0 ? 0 : i) % COLORS.length]; }
    _short(label) { const l = this._labels.find((x) => x.label === label); return l ? l.short : label; }
    _overlaps(a, b, skip) { return this._ents.some((e, i) => i !== skip && a < e.end && e.start < b); }
    _labelPicked(i) {
      this._cur = i;
      if (this._sel >= 0) { this._ents[this._sel].label = this._labels[i].label; this._sel = -1; this._paint(); }
    }
    _pick(i) { return this._choices.activate(i); }
    _select(i) {
      this._sel = i;
      const li = this._labels.findIndex((l) => l.label === this._ents[i].label);
      if (li >= 0) { this._cur = li; this._choices.sel = new Set([li]); this._choices.paint(); }
      this._paint();
    }
    _remove(i) { this._ents.splice(i, 1); this._sel = -1; this._paint(); }
    // DOM selection -> code point offsets, snapped to whole words and trimmed of spaces.
    _fromSelection() {
      if (locked() || this.disabled) return;
      const got = shadowRange(this.shadowRoot);
      if (!got) return;
      const sel = got.sel, r = got.range;
      if (!this._box.contains(r.startContainer) || !this._box.contains(r.endContainer)) return;
      const u16 = (node, off) => { const x = D.createRange(); x.setStart(this._box, 0); x.setEnd(node, off); return x.toString().length; };
      const cp = (n) => Array.from(this._text.slice(0, n)).length;
      let a = cp(u16(r.startContainer, r.startOffset)), b = cp(u16(r.endContainer, r.endOffset));
      const t = this._cps;
      while (a < b && /\s/u.test(t[a])) a++;
      while (b > a && /\s/u.test(t[b - 1])) b--;
      if (a >= b) return;
      while (a > 0 && WORDCH.test(t[a - 1]) && WORDCH.test(t[a])) a--;
      while (b < t.length && WORDCH.test(t[b]) && WORDCH.test(t[b - 1])) b++;
      sel.removeAllRanges();
      const same = this._ents.findIndex((e) => e.start === a && e.end === b);
      if (same >= 0) { this._select(same); return; }
      if (this._overlaps(a, b)) { this._note.textContent = 'That selection overlaps text that is already labelled; remove that label first.'; return; }
      this._ents.push({ label: this._labels[this._cur].label, start: a, end: b });
      this._ents.sort((x, y) => x.start - y.start);
      this._sel = -1;
      this._showError('');
      this._paint();
    }
    _paint() {
      const box = this._box, t = this._cps;
      this._note.textContent = '';
      box.textContent = '';
      let pos = 0;
      this._ents.forEach((e, i) => {
        if (e.start > pos) box.append(t.slice(pos, e.start).join(''));
        box.append(h('mark', { class: 'lp-ent' + (i === this._sel ? ' lp-sel' : ''), part: 'entity', 'data-i': i, 'data-tag': this._short(e.label), style: '--c:' + this._color(e.label), title: e.label }, t.slice(e.start, e.end).join('')));
        pos = e.end;
      });
      if (pos < t.length) box.append(t.slice(pos).join(''));
      this._list.textContent = '';
      this._ents.forEach((e, i) => {
        const pick = h('button', { type: 'button', class: 'lp-grow', 'data-lp': '', 'aria-pressed': String(i === this._sel) },
          h('span', { class: 'lp-swatch', style: 'display:inline-block;margin-right:.4rem;background:' + this._color(e.label) }),
          e.label + ': \u201c' + t.slice(e.start, e.end).join('') + '\u201d');
        pick.addEventListener('click', () => this._select(i));
        const del = h('button', { type: 'button', class: 'lp-x', 'data-lp': '', 'aria-label': 'Remove label ' + e.label + ' from \u201c' + t.slice(e.start, e.end).join('') + '\u201d', text: '\u00d7' });
        del.addEventListener('click', () => { if (!locked()) this._remove(i); });
        this._list.append(h('li', { class: i === this._sel ? 'lp-sel' : null }, pick, del));
      });
      queueHeight();
    }
    get value() { return this._ents ? { entities: this._ents.map((e) => ({ endOffset: e.end, label: e.label, startOffset: e.start })) } : undefined; }
    get _submittableValue() { return this.value; }
    _validate() { return null; }
    _contribute(answer) { if (this.name && this._ents) answer[this.name] = this.value; }
  }

