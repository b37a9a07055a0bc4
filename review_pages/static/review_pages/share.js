/* Share buttons of a review (review_pages/includes/share_buttons.html).
 *
 * No third-party script: the email, Bluesky and Mastodon links work without this file.
 * It brings the two buttons that need a browser feature to life:
 * - "Copy link": the Clipboard API, with a visible confirmation; where the browser refuses
 *   (no API, not a secure context, permission denied) the link is shown selected, ready to
 *   be copied by hand.
 * - "More ways to share…": the Web Share API, shown only where the browser has it.
 */
(function () {
  "use strict";

  var COPIED = "Link copied to the clipboard.";
  var COPY_BY_HAND = "Press Ctrl+C (⌘C on a Mac) to copy the selected link.";

  function setUp(section) {
    var url = section.getAttribute("data-share-url");
    var title = section.getAttribute("data-share-title") || document.title;
    var text = section.getAttribute("data-share-text") || "";
    var status = section.querySelector("[data-share-status]");
    var copyButton = section.querySelector("[data-share-copy]");
    var fallback = section.querySelector("[data-share-fallback]");
    var shareButton = section.querySelector("[data-share-native]");
    var cleared = null;

    function say(message) {
      // Emptied first, so that a screen reader announces the same message again.
      status.textContent = "";
      window.clearTimeout(cleared);
      window.setTimeout(function () {
        status.textContent = message;
      }, 50);
      cleared = window.setTimeout(function () {
        status.textContent = "";
      }, 8000);
    }

    function copyByHand() {
      fallback.hidden = false;
      var input = fallback.querySelector("input");
      input.focus();
      input.select();
      var copied = false;
      try {
        copied = document.execCommand("copy"); // older browsers, and plain http
      } catch (error) {
        copied = false;
      }
      say(copied ? COPIED : COPY_BY_HAND);
    }

    if (copyButton && url) {
      copyButton.hidden = false;
      copyButton.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(url).then(function () {
            fallback.hidden = true;
            say(COPIED);
          }, copyByHand);
        } else {
          copyByHand();
        }
      });
    }

    if (shareButton && url && typeof navigator.share === "function") {
      shareButton.hidden = false;
      shareButton.addEventListener("click", function () {
        navigator.share({ title: title, text: text, url: url }).catch(function (error) {
          if (!error || error.name !== "AbortError") {
            copyByHand();
          }
        });
      });
    }
  }

  var sections = document.querySelectorAll("[data-share]");
  for (var i = 0; i < sections.length; i += 1) {
    setUp(sections[i]);
  }
})();
