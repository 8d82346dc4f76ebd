/* GovWiki progressive enhancements. Everything works without this file; it only adds:
   - autosave of the edit box to this browser (localStorage), keyed by page and base revision,
     with an offer to restore text that was typed but never saved;
   - a warning before leaving an edit form with unsaved changes;
   - clearing the saved copies once a save went through. */
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

  function enhanceEditor(form, store) {
    var textarea = form.querySelector("textarea[data-autosave]");
    if (!textarea) {
      return;
    }
    var key = form.getAttribute("data-autosave-key");
    var initial = textarea.value;
    var submitting = false;
    var timer = null;

    if (store && key) {
      var saved = store.getItem(key);
      if (saved !== null && saved !== initial) {
        offerRestore(form, textarea, store, key, saved);
      }
      textarea.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          try {
            store.setItem(key, textarea.value);
          } catch (error) {
            /* storage full: keep editing, the warning before leaving still protects the text */
          }
        }, 500);
      });
    }

    form.addEventListener("submit", function () {
      submitting = true;
      if (store && key) {
        store.setItem(key, textarea.value);  // kept until the page confirms the save
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

  function init() {
    var store = storage();
    var savedMarker = document.querySelector("[data-drafts-saved]");
    if (store && savedMarker) {
      forgetDrafts(store, savedMarker.getAttribute("data-drafts-saved"));
    }
    var forms = document.querySelectorAll("form[data-autosave-key]");
    for (var i = 0; i < forms.length; i += 1) {
      enhanceEditor(forms[i], store);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
