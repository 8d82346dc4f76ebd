/* GovWiki progressive enhancements. Everything works without this file; it only adds:
   - autosave of the edit box to this browser (localStorage), keyed by page and base revision,
     with an offer to restore text that was typed but never saved;
   - a warning before leaving an edit form with unsaved changes;
   - clearing the saved copies once a save went through;
   - buttons that resolve each conflict block of a hand-resolution box by keeping one version;
   - refusing to send a text over the size limit (it stays in the box, with the reason), and
     saying so when the browser cannot keep a copy of a very long text. */
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

  function keepCopy(form, store, key, value) {
    /* Keep a copy in this browser; a text larger than the storage allows is said, not thrown. */
    try {
      store.setItem(key, value);
      return true;
    } catch (error) {
      try {
        store.removeItem(key);  // an older, shorter copy would mislead a later restore
      } catch (ignored) { /* nothing more to do */ }
      notice(form, "data-storage-failed", "status");
      return false;
    }
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

    window.addEventListener("beforeunload", function (event) {
      if (!submitting && textarea.value !== initial) {
        event.preventDefault();
        event.returnValue = form.getAttribute("data-leave-warning") || "";
        return event.returnValue;
      }
      return undefined;
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
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
