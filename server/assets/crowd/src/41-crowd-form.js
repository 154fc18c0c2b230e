  // ---------------------------------------------------------------- crowd-form and regions
  // crowd-form: the author's content in a slot, then (when the template has no submit control)
  // the Submit bar (parts actions, submit). The inner forms task elements draw (taskLayout) show
  // their content and hand submit() / requestSubmit() to the form around the element.
  class CrowdForm extends Crowd {
    render(root) {
      root.append(slot());
      if (this._lpInner) return;
      if (!this.hasAttribute('role')) this.setAttribute('role', 'form');
      appendSubmit(this, root);
    }
    get form() { return this; }
    submit() { return postAnswer(this._lpInner ? rootOf(this) : this); }
    requestSubmit() { return submitRoot(this._lpInner ? rootOf(this) : this); }
  }
  // Parts: title (the `header` attribute).
  class ShortInstructions extends Crowd {
    render(root) {
      const head = this.getAttribute('header');
      if (head) root.append(h('h3', { class: 'lp-region-title', part: 'title', text: head }));
      root.append(slot());
    }
  }
  // Inside a task element it sits in that element's full-instructions dialog (the element draws
  // the link); on its own it draws a link (part link) and wraps its content in a dialog.
  class FullInstructions extends Crowd {
    render(root) {
      root.append(slot());
      if (this._lpOwner) return;
      const title = this.getAttribute('header') || 'Full instructions';
      this._modal = makeModal(title, moveChildren(this, h('div')), this);
      root.prepend(triggerButton(this.getAttribute('link-text') || 'View full instructions', 'link', this._modal));
    }
    get _dialog() { return this._modal || (this._lpOwner && this._lpOwner._lpFullModal) || null; }
    open() { if (this._dialog) this._dialog.open(); }
    close() { if (this._dialog) this._dialog.close(); }
  }
  class Plain extends Crowd {
    render(root) { root.append(slot()); }
  }
  // Parts: link (the toggle), field, label, textarea.
  class WorkerComment extends Crowd {
    render(root) {
      const id = uid('wc');
      const head = this.getAttribute('header') || 'Comment';
      this._ta = forwardChange(h('textarea', { id, class: 'lp-text', part: 'textarea', rows: 3, 'data-lp': '', placeholder: this.getAttribute('placeholder') || '' }), this);
      const field = h('div', { class: 'lp-field', part: 'field', hidden: true }, h('label', { class: 'lp-label', part: 'label', for: id, text: head }), this._ta);
      const toggle = h('button', { type: 'button', class: 'lp-link', part: 'link', 'aria-expanded': 'false', text: this.getAttribute('link-text') || 'Add a comment' });
      toggle.addEventListener('click', () => {
        field.hidden = !field.hidden;
        toggle.setAttribute('aria-expanded', String(!field.hidden));
        if (!field.hidden) this._ta.focus();
        queueHeight();
      });
      root.append(toggle, field);
    }
    get value() { return this._ta ? this._ta.value : ''; }
    set value(v) { if (this._ta) this._ta.value = v; }
  }
