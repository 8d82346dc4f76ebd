/* GovWiki progressive enhancements. Everything works without this file; it only adds:
   - autosave of the edit box to this browser (localStorage), keyed by page and base revision,
     with an offer to restore text that was typed but never saved;
   - a warning before leaving an edit form with unsaved changes (not when the form is sent;
     a form shown again after a POST, marked data-unsaved, warns at once);
   - the editor's preview in place (beside the box on wide screens, below it on phones), kept
     up to date while typing, and its keyboard shortcuts: Ctrl/Cmd+S saves, Alt+P previews;
   - in diffs: N / P (or J / K) go to the next / previous change;
   - clearing the saved copies once a save went through;
   - buttons that resolve each conflict block of a hand-resolution box by keeping one version;
   - refusing to send a text over the size limit (it stays in the box, with the reason), and
     saying so when the browser cannot keep a copy of a very long text (once this form's copies
     for older revisions, which are never offered again, have been dropped to make room);
   - in a page's discussion: reply forms opened in place under a comment; on a phone, a tap on a
     paragraph opens its comment form under it; with a mouse, selecting words inside one
     paragraph shows a "Comment on this" button that opens the form with the words quoted.

   Hooks (stable; the browser tests in tests/browser/ use them):
   - editor (templates/_editor.html): form[data-autosave-key] holding [data-editor] (its
     data-preview-url is POST /preview), textarea[data-autosave], button[data-save-button],
     button[data-preview-button] (name="preview"), the panel #editor-preview
     [data-editor-preview] (hidden until a preview is asked for) with [data-preview-body]
     and [data-preview-status]; the hint #editor-shortcuts [data-editor-shortcuts] is shown
     by this file; the body of a preview carries data-preview-state (ready, empty, too-large);
     the shortcuts work page-wide, except on a form marked data-shortcuts="inside" (the
     official's merge editor on a suggestion), where the focus must be inside the form; a form
     shown in answer to a POST carries data-unsaved;
   - diffs (templates/pages/_diff_*.html): the diff is [data-diff] with data-changes="count";
     every change starts at an element with id "change-N" (a prefix before "change-" on pages
     with several diffs: "merged-change-N" on a suggestion's merge preview, "p<page id>-change-N"
     on a consultation's changes) and data-change="N" (1, 2, …), holding the links
     a[data-change-prev] and a[data-change-next] (none before the first / after the last);
     the keys N / J and P / K follow the same order; [data-diff-keys] is shown by this file.
   - blame (templates/pages/blame.html, no script): each passage is span.blame-span (title:
     revision, author, time) starting with details.blame-passage, whose summary.blame-tag
     (same title) opens .blame-card: links to the revision and its changes, time, summary. */
(function () {
  "use strict";

  var PREFIX = "govwiki:draft:";

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;  // private mode, storage full or disabled: no autosave, nothing breaks
    }
  }

  function forgetDrafts(store, slug) {
    var prefix = PREFIX + slug + ":";
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) {
        store.removeItem(key);
      }
    }
  }

  function offerRestore(form, textarea, store, key, saved) {
    var box = document.createElement("div");
    box.className = "restore-prompt";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = form.getAttribute("data-restore-text");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button button-small";
    restore.textContent = form.getAttribute("data-restore-label");
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button button-small button-secondary";
    discard.textContent = form.getAttribute("data-discard-label");
    restore.addEventListener("click", function () {
      textarea.value = saved;
      box.remove();
      textarea.focus();
    });
    discard.addEventListener("click", function () {
      store.removeItem(key);
      box.remove();
      textarea.focus();
    });
    box.appendChild(text);
    box.appendChild(restore);
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
  }

  function notice(form, attribute, role) {
    /* Say something once above the form (the same notice is never stacked twice). */
    var existing = form.querySelector("[data-notice='" + attribute + "']");
    if (existing) {
      return existing;
    }
    var box = document.createElement("div");
    box.className = "notice notice-error";
    box.setAttribute("role", role || "alert");
    box.setAttribute("data-notice", attribute);
    var text = document.createElement("p");
    text.textContent = form.getAttribute(attribute) || "";
    box.appendChild(text);
    form.insertBefore(box, form.firstChild);
    return box;
  }

  function forgetSuperseded(store, key) {
    /* Drop this form's copies kept for older revisions: a key ends with the base revision, and
       a copy kept for another base is never offered again, yet fills the storage that a long
       text needs (about 5 million characters per site). Returns how many were dropped. */
    var family = key.slice(0, key.lastIndexOf(":") + 1);
    var dropped = 0;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var other = store.key(i);
      if (other && other !== key && other.indexOf(family) === 0) {
        store.removeItem(other);
        dropped += 1;
      }
    }
    return dropped;
  }

  function keepCopy(form, store, key, value) {
    /* Keep a copy in this browser; a text larger than the storage allows is said, not thrown.
       When the storage is full, copies no one can restore any more make room first. */
    try {
      store.setItem(key, value);
      return true;
    } catch (full) {
      try {
        if (forgetSuperseded(store, key)) {
          store.setItem(key, value);
          return true;
        }
      } catch (stillFull) { /* said below */ }
    }
    try {
      store.removeItem(key);  // an older, shorter copy would mislead a later restore
    } catch (ignored) { /* nothing more to do */ }
    notice(form, "data-storage-failed", "status");
    return false;
  }


  function byteLength(text) {
    return new Blob([text]).size;  // UTF-8, as the server counts
  }

  function enhanceEditor(form, store) {
    var textarea = form.querySelector("textarea[data-autosave]");
    if (!textarea) {
      return;
    }
    var key = form.getAttribute("data-autosave-key");
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var initial = textarea.value;
    var submitting = false;
    var timer = null;

    if (store && key) {
      var saved = null;
      try {
        saved = store.getItem(key);
      } catch (error) { /* unreadable storage: nothing to restore */ }
      if (saved !== null && saved !== initial) {
        offerRestore(form, textarea, store, key, saved);
      }
      textarea.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          keepCopy(form, store, key, textarea.value);
        }, 500);
      });
    }

    form.addEventListener("submit", function (event) {
      if (limit && byteLength(textarea.value) > limit) {
        /* The server would refuse it: keep the text here and say why, instead of sending it. */
        event.preventDefault();
        notice(form, "data-too-large").scrollIntoView({block: "nearest"});
        textarea.focus();
        return;
      }
      submitting = true;
      if (store && key) {
        keepCopy(form, store, key, textarea.value);  // kept until the page confirms the save
      }
    });

    var unsaved = form.hasAttribute("data-unsaved");  // shown again after a POST: not saved
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && (textarea.value !== initial || (unsaved && textarea.value.trim()))) {
        event.preventDefault();
        event.returnValue = form.getAttribute("data-leave-warning") || "";
        return event.returnValue;
      }
      return undefined;
    });

    var openPreview = enhancePreview(form, textarea);
    if (form.querySelector("[data-editor]")) {
      enhanceShortcuts(form, openPreview);
    }
  }

  /* --- The editor's preview and shortcuts -------------------------------------------------- */

  var LIVE_PREVIEW_CHARS = 200000;  // longer texts are previewed when asked, not while typing
  var LIVE_PREVIEW_DELAY = 800;  // ms without typing before the open preview is updated

  function enhancePreview(form, textarea) {
    /* Preview in place: the same request the Preview button makes, answered by POST /preview
       with the HTML the page would show (sanitized by the server). */
    var editor = form.querySelector("[data-editor]");
    var panel = editor && editor.querySelector("[data-editor-preview]");
    var button = form.querySelector("[data-preview-button]");
    var url = editor && editor.getAttribute("data-preview-url");
    if (!panel || !button || !url || !window.fetch || !window.FormData) {
      return null;  // the Preview button sends the form, and the server shows the preview
    }
    var body = panel.querySelector("[data-preview-body]");
    var status = panel.querySelector("[data-preview-status]");
    var token = form.querySelector("input[name$='csrf_token']");
    var shown = panel.hidden ? null : textarea.value;  // the text the panel shows
    var timer = null;
    var latest = 0;

    function say(attribute) {
      status.textContent = attribute ? panel.getAttribute(attribute) || "" : "";
    }

    function refresh() {
      var text = textarea.value;
      var ticket = latest += 1;  // an older answer arriving late never replaces a newer one
      var data = new FormData();
      if (token) {
        data.append("csrf_token", token.value);
      }
      data.append("body", text);
      panel.setAttribute("aria-busy", "true");
      say("data-loading");
      return window.fetch(url, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) {
          return response.text().then(function (html) {
            if (ticket !== latest) {
              return;
            }
            if (response.ok || response.status === 413) {
              body.innerHTML = html;  // the server's sanitized rendering, as on the page
              shown = text;
              say(null);
            } else {
              say(response.status === 429 ? "data-too-many" : "data-failed");
            }
          });
        })
        .catch(function () {
          if (ticket === latest) {
            say("data-failed");
          }
        })
        .then(function () {
          if (ticket === latest) {
            panel.removeAttribute("aria-busy");
          }
        });
    }

    function open() {
      var wasHidden = panel.hidden;
      panel.hidden = false;
      editor.classList.add("has-preview");
      refresh();
      var beside = window.matchMedia && window.matchMedia("(min-width: 64rem)").matches;
      if (wasHidden && !beside) {
        panel.scrollIntoView({block: "start"});  // on a phone the preview is below the box
      }
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      open();
    });
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      if (panel.hidden || textarea.value.length > LIVE_PREVIEW_CHARS) {
        return;
      }
      timer = window.setTimeout(function () {
        if (textarea.value !== shown) {
          refresh();
        }
      }, LIVE_PREVIEW_DELAY);
    });
    return open;
  }

  function enhanceShortcuts(form, openPreview) {
    /* Ctrl/Cmd+S sends the form as its save button would (size check and autosave included);
       Alt+P (Option+P) previews. Alt+P is not taken by Chrome, Firefox, Safari or Edge. */
    var hint = form.querySelector("[data-editor-shortcuts]");
    if (hint) {
      hint.hidden = false;
    }
    var save = form.querySelector("[data-save-button]");
    var previewButton = form.querySelector("[data-preview-button]");
    /* A form marked data-shortcuts="inside" (an official's merge editor, on a page with other
       decisions) answers only while the focus is in it; every form only while it is shown. */
    var insideOnly = form.getAttribute("data-shortcuts") === "inside";
    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.isComposing || !form.getClientRects().length) {
        return;
      }
      if (insideOnly && !form.contains(document.activeElement)) {
        return;
      }
      var key = (event.key || "").toLowerCase();
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && key === "s") {
        event.preventDefault();  // not the browser's "Save page as"
        if (form.requestSubmit) {
          form.requestSubmit(save || undefined);
        } else if (save) {
          save.click();
        }
      } else if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyP") {
        event.preventDefault();  // Option+P would type "π"
        if (openPreview) {
          openPreview();
        } else if (previewButton) {
          previewButton.click();
        }
      }
    });
  }

  function conflictBlocks(text) {
    /* The conflict blocks of a hand-resolution text: [start, end, first version, second]. */
    var blocks = [];
    var pattern = /^<<<<<<<[^\n]*\n([\s\S]*?)^=======\n([\s\S]*?)^>>>>>>>[^\n]*(\n|$)/gm;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      blocks.push([match.index, match.index + match[0].length, match[1], match[2]]);
    }
    return blocks;
  }

  function offerConflictChoices(form) {
    /* Buttons that resolve one conflict block of the box by keeping one version, or both. */
    var textarea = form.querySelector("textarea[name='body']");
    if (!textarea || !conflictBlocks(textarea.value).length) {
      return;  // only a box that holds conflict blocks (the conflict screen, a refused save) needs them
    }
    var panel = document.createElement("div");
    panel.className = "conflict-choices";
    textarea.parentNode.insertBefore(panel, textarea);

    function render() {
      panel.textContent = "";
      conflictBlocks(textarea.value).forEach(function (block, index) {
        var row = document.createElement("p");
        row.textContent = form.getAttribute("data-choice-heading").replace("{n}", index + 1) + " ";
        [["data-choice-mine", block[2]], ["data-choice-theirs", block[3]],
         ["data-choice-both", block[2] + block[3]]].forEach(function (choice) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button button-small button-secondary";
          button.textContent = form.getAttribute(choice[0]);
          button.addEventListener("click", function () {
            var current = conflictBlocks(textarea.value)[index];
            if (current) {
              textarea.value = textarea.value.slice(0, current[0]) + choice[1] + textarea.value.slice(current[1]);
              textarea.dispatchEvent(new Event("input"));
            }
          });
          row.appendChild(button);
        });
        panel.appendChild(row);
      });
    }

    textarea.addEventListener("input", render);
    render();
  }

  /* --- The discussion of a page ------------------------------------------------------------ */

  var MAX_QUOTE_CHARS = 1000;  // as core/anchors.py

  function discussionTemplate() {
    return document.getElementById("comment-form-template");  // only there for who may comment
  }

  function inlineForm(kind, id, fill) {
    /* A copy of the discussion's form template, for one comment or paragraph. */
    var holder = document.createElement("div");
    holder.className = "inline-comment-form";
    holder.innerHTML = discussionTemplate().innerHTML.replace(/\{kind\}/g, kind).replace(/\{id\}/g, id);
    var form = holder.querySelector("form");
    fill(form);
    var cancel = form.querySelector("[data-cancel]");
    if (cancel) {
      cancel.addEventListener("click", function (event) {
        event.preventDefault();
        form.querySelector("textarea").value = "";  // its copy stays in the browser, to restore
        holder.remove();
      });
    }
    enhanceEditor(form, storage());
    return holder;
  }

  function openReply(link) {
    var id = link.getAttribute("data-reply");
    var comment = document.getElementById("comment-" + id);
    var open = comment && comment.querySelector(".inline-comment-form[data-for='" + id + "']");
    if (open) {
      open.querySelector("textarea").focus();
      return;
    }
    var holder = inlineForm("reply", id, function (form) {
      form.querySelector("input[name='parent_id']").value = id;
    });
    holder.setAttribute("data-for", id);
    link.closest(".comment-actions").insertAdjacentElement("afterend", holder);
    holder.querySelector("textarea").focus();
  }

  function quoteBox(text, label) {
    var figure = document.createElement("figure");
    figure.className = "commented-paragraph";
    var caption = document.createElement("figcaption");
    caption.className = "meta";
    caption.textContent = label || "";
    var quote = document.createElement("blockquote");
    var mark = document.createElement("mark");
    mark.className = "quoted";
    mark.textContent = text;
    quote.appendChild(mark);
    figure.appendChild(caption);
    figure.appendChild(quote);
    return figure;
  }

  function openParagraphForm(block, quote) {
    /* The comment form under a paragraph, with the selected words quoted when there are some. */
    var number = block.getAttribute("data-para");
    var para = block.parentNode;
    var open = para.querySelector(".inline-comment-form");
    if (open) {
      open.remove();  // a new selection replaces the form of the last one (its text is kept)
    }
    var holder = inlineForm("para", number, function (form) {
      form.querySelector("input[name='paragraph']").value = number;
      if (quote) {
        form.querySelector("input[name='quote']").value = quote.text;
        form.querySelector("input[name='near']").value = String(quote.start);
        var section = document.getElementById("discussion");
        form.insertBefore(quoteBox(quote.text, section && section.getAttribute("data-quote-label")),
                          form.querySelector(".field"));
      }
    });
    block.insertAdjacentElement("afterend", holder);
    holder.querySelector("textarea").focus();
  }

  function paragraphOf(node) {
    var element = node && node.nodeType === 1 ? node : node && node.parentNode;
    return element && element.closest ? element.closest(".prose [data-para]") : null;
  }

  function selectedPassage() {
    /* The selection, when it lies inside one paragraph: its words and where they start there
       (offsets in the paragraph's textContent, as the server counts them). */
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var block = paragraphOf(range.startContainer);
    if (!block || block !== paragraphOf(range.endContainer)) {
      return null;
    }
    var before = document.createRange();
    before.selectNodeContents(block);
    before.setEnd(range.startContainer, range.startOffset);
    var raw = range.toString();
    var text = raw.trim();
    if (!text) {
      return null;
    }
    var start = before.toString().length + (raw.length - raw.replace(/^\s+/, "").length);
    return {block: block, text: text, start: start, range: range};
  }

  function enhanceDiscussion() {
    var prose = document.querySelector(".prose");
    var section = document.getElementById("discussion");
    if (!section) {
      return;
    }
    section.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-reply]");
      if (link && discussionTemplate()) {  // signed out, the link leads to sign-in and back
        event.preventDefault();
        openReply(link);
      }
    });
    if (!prose) {
      return;
    }
    var pointer = "mouse";
    document.addEventListener("pointerdown", function (event) {
      pointer = event.pointerType || "mouse";
    }, true);
    prose.addEventListener("click", function (event) {
      if (pointer !== "touch" || !discussionTemplate() || selectedPassage()) {
        return;
      }
      if (event.target.closest("a, button, input, textarea, label, summary, .para-tools, .inline-comment-form")) {
        return;
      }
      var block = paragraphOf(event.target);
      var tools = block && block.parentNode.querySelector(".para-comment");
      if (tools) {  // only paragraphs that can be commented on have the link
        openParagraphForm(block, null);
      }
    });
    offerQuoteButton(prose, section);
  }

  function offerQuoteButton(prose, section) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small selection-comment";
    button.textContent = section.getAttribute("data-selection-label") || "Comment";
    button.hidden = true;
    document.body.appendChild(button);
    var current = null;
    var timer = null;

    function place() {
      current = selectedPassage();
      var link = current && current.block.parentNode.querySelector(".para-comment");
      if (!current || !link) {
        button.hidden = true;
        return;
      }
      var box = current.range.getBoundingClientRect();
      button.style.top = (window.scrollY + box.bottom + 6) + "px";
      button.style.left = Math.max(8, window.scrollX + box.left) + "px";
      button.hidden = false;
    }

    document.addEventListener("selectionchange", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(place, 200);
    });
    button.addEventListener("mousedown", function (event) {
      event.preventDefault();  // keep the selection while the button is pressed
    });
    button.addEventListener("click", function () {
      var chosen = current;
      button.hidden = true;
      if (!chosen) {
        return;
      }
      var block = chosen.block;
      /* A selection too long to quote (the server would refuse it) is about the paragraph. */
      var quote = chosen.text.length > MAX_QUOTE_CHARS ? null : chosen;
      if (discussionTemplate()) {
        openParagraphForm(block, quote);
        return;
      }
      /* Signed out: the form page (through sign-in), with the same fields filled. */
      var url = new URL(block.parentNode.querySelector(".para-comment").href, window.location.href);
      if (quote) {
        url.searchParams.set("quote", quote.text);
        url.searchParams.set("near", String(quote.start));
      }
      window.location.href = url.toString();
    });
  }

  /* --- Diffs: N / P (J / K) to the next / previous change ------------------------------------ */

  function typingIn(target) {
    return target && target.closest &&
      target.closest("input, textarea, select, button, [contenteditable=''], [contenteditable='true']");
  }

  function enhanceDiffs() {
    var marks = document.querySelectorAll("[data-diff] [data-change]");
    if (!marks.length) {
      return;
    }
    var keys = document.querySelectorAll("[data-diff-keys]");
    for (var k = 0; k < keys.length; k += 1) {
      keys[k].hidden = false;
    }
    var margin = 72;  // px: where a change lands below the top of the window (scroll-margin-top)

    function current() {
      /* The change last gone to, while it is still in view (the end of a page cannot scroll
         to the top of the window, so its position alone would not tell). */
      var id = window.location.hash.slice(1);
      for (var i = 0; i < marks.length; i += 1) {
        if (marks[i].id === id) {
          var box = marks[i].getBoundingClientRect();
          return box.bottom > 0 && box.top < window.innerHeight ? i : -1;
        }
      }
      return -1;
    }

    function go(step) {
      /* The next change below the one at the top of the window, or the previous one above it. */
      var chosen = null;
      var at = current();
      if (at >= 0) {
        chosen = marks[at + step] || null;
        if (!chosen) {
          return;  // already at the first or the last change
        }
        window.location.hash = chosen.id;
        focusLink(chosen);
        return;
      }
      for (var i = 0; i < marks.length; i += 1) {
        var top = marks[i].getBoundingClientRect().top;
        if (step > 0 && top > margin + 4) {
          chosen = marks[i];
          break;
        }
        if (step < 0 && top < margin - 4) {
          chosen = marks[i];  // keep the last one above
        }
      }
      if (!chosen) {
        return;
      }
      window.location.hash = chosen.id;  // scrolls there and highlights it (:target)
      focusLink(chosen);
    }

    function focusLink(mark) {
      var link = mark.querySelector("a[data-change-next], a[data-change-prev]");
      if (link) {
        link.focus({preventScroll: true});
      }
    }

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) {
        return;
      }
      var key = (event.key || "").toLowerCase();
      if (key === "n" || key === "j") {
        event.preventDefault();
        go(1);
      } else if (key === "p" || key === "k") {
        event.preventDefault();
        go(-1);
      }
    });
  }

  function init() {
    var store = storage();
    var savedMarker = document.querySelector("[data-drafts-saved]");
    if (store && savedMarker) {
      savedMarker.getAttribute("data-drafts-saved").split(" ").forEach(function (slug) {
        forgetDrafts(store, slug);  // the marker may name several forms' drafts
      });
    }
    var forms = document.querySelectorAll("form[data-autosave-key]");
    for (var i = 0; i < forms.length; i += 1) {
      enhanceEditor(forms[i], store);
      if (forms[i].hasAttribute("data-conflict-choices")) {
        offerConflictChoices(forms[i]);
      }
    }
    enhanceDiscussion();
    enhanceDiffs();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
