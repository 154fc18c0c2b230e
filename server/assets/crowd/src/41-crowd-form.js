  // ---------------------------------------------------------------- crowd-form and regions
  class CrowdForm extends Crowd {
    render() {
      if (!this.hasAttribute('role')) this.setAttribute('role', 'form');
      appendSubmit(this);
    }
    get form() { return this; }
    submit() { return postAnswer(this); }
    requestSubmit() { return submitRoot(this); }
  }
  class ShortInstructions extends Crowd {
    render() {
      const head = this.getAttribute('header');
      if (head) this.prepend(h('h3', { class: 'lp-region-title', text: head }));
    }
  }
  class FullInstructions extends Crowd {
    render() {
      const title = this.getAttribute('header') || 'Full instructions';
      const body = moveChildren(this, h('div'));
      this._modal = makeModal(title, body);
      this.append(triggerButton(this.getAttribute('link-text') || 'View full instructions', 'link', this._modal));
    }
    open() { if (this._modal) this._modal.open(); }
    close() { if (this._modal) this._modal.close(); }
  }
  class Plain extends Crowd {}
  class WorkerComment extends Crowd {
    render() {
      const id = uid('wc');
      const head = this.getAttribute('header') || 'Comment';
      this._ta = h('textarea', { id, class: 'lp-text', rows: 3, 'data-lp': '', placeholder: this.getAttribute('placeholder') || '' });
      const field = h('div', { class: 'lp-field', hidden: true }, h('label', { class: 'lp-label', for: id, text: head }), this._ta);
      const toggle = h('button', { type: 'button', class: 'lp-link', 'aria-expanded': 'false', text: this.getAttribute('link-text') || 'Add a comment' });
      toggle.addEventListener('click', () => {
        field.hidden = !field.hidden;
        toggle.setAttribute('aria-expanded', String(!field.hidden));
        if (!field.hidden) this._ta.focus();
      });
      this.classList.add('lp-comment');
      this.append(toggle, field);
    }
    get value() { return this._ta ? this._ta.value : ''; }
    set value(v) { if (this._ta) this._ta.value = v; }
  }

