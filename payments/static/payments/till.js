/*!
 * till.js: the basics of Stripe.js, against Till, with a publishable key. No dependencies.
 *
 *   const till = Till("pk_test_...", {apiBase: "https://till.example.com"});
 *   const {paymentMethod, error} = await till.createPaymentMethod(
 *     {card: {number, exp_month, exp_year, cvc}, billing_details: {name}});
 *   const {paymentIntent, error} = await till.confirmCardPayment(
 *     clientSecret, {payment_method: paymentMethod.id, return_url});
 *   const {paymentIntent} = await till.retrievePaymentIntent(clientSecret);
 *
 * Every method resolves to `{<object>}` or `{error}`, where `error` is the API's error object
 * (`type`, `code`, `message`, `decline_code`, `param`, ...) or, when Till could not be
 * reached, `{type: "api_connection_error", message}`. Card numbers go to Till's API and
 * nowhere else: this file keeps no copy and logs nothing.
 *
 * `apiBase` defaults to the origin this script was loaded from. Calls from another origin
 * need Till's API to answer CORS (with preflight: the key travels in `Authorization`).
 */
(function (root, factory) {
  "use strict";
  // Read while the script runs: document.currentScript is null afterwards.
  var scriptOrigin = null;
  if (typeof document !== "undefined" && document.currentScript && document.currentScript.src) {
    try { scriptOrigin = new URL(document.currentScript.src).origin; } catch (e) { /* inline */ }
  }
  var Till = factory(root, scriptOrigin);
  if (typeof module === "object" && module.exports) {
    module.exports = Till;
  } else {
    root.Till = Till;
  }
})(typeof globalThis !== "undefined" ? globalThis : this, function (root, scriptOrigin) {
  "use strict";

  var VERSION = "1";
  var TIMEOUT_MS = 30000;

  // -- wire format ---------------------------------------------------------------------------

  /**
   * Stripe's form encoding: `{card: {number: "42"}, expand: ["a"]}` →
   * `card%5Bnumber%5D=42&expand%5B0%5D=a`. `undefined` is left out, `null` and `{}` send an
   * empty value (Stripe's "unset"), booleans are `true`/`false`, Dates are Unix seconds.
   */
  function encodeForm(params) {
    var pairs = [];
    function add(name, value) {
      if (value === undefined) { return; }
      if (value === null) { pairs.push([name, ""]); return; }
      if (value instanceof Date) { pairs.push([name, String(Math.floor(value.getTime() / 1000))]); return; }
      if (Array.isArray(value)) {
        value.forEach(function (item, index) { add(name + "[" + index + "]", item); });
        return;
      }
      if (typeof value === "object") {
        var keys = Object.keys(value);
        if (!keys.length) { pairs.push([name, ""]); return; }
        keys.forEach(function (key) { add(name + "[" + key + "]", value[key]); });
        return;
      }
      pairs.push([name, String(value)]);
    }
    Object.keys(params || {}).forEach(function (key) { add(key, params[key]); });
    return pairs.map(function (pair) {
      return encodeURIComponent(pair[0]) + "=" + encodeURIComponent(pair[1]);
    }).join("&");
  }

  /** `pi_123_secret_abc` → `pi_123`; anything else → null. */
  function intentIdFromClientSecret(clientSecret) {
    if (typeof clientSecret !== "string") { return null; }
    var match = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(clientSecret);
    return match ? match[1] : null;
  }

  function connectionError(message) {
    return {type: "api_connection_error", message: message};
  }

  function invalidClientSecret() {
    return {type: "invalid_request_error", code: "parameter_invalid", param: "client_secret",
            message: "The client_secret should look like pi_..._secret_...: the " +
                     "PaymentIntent's client_secret, as your server received it."};
  }

  /** Where a PaymentIntent in `requires_action` sends the cardholder, or null. */
  function actionUrl(intent) {
    var action = intent && intent.status === "requires_action" && intent.next_action;
    if (!action) { return null; }
    if (action.type === "redirect_to_url" && action.redirect_to_url) {
      return action.redirect_to_url.url;
    }
    if (action.type === "use_stripe_sdk" && action.use_stripe_sdk) {
      return action.use_stripe_sdk.stripe_js || null;
    }
    return null;
  }

  // -- the client ----------------------------------------------------------------------------

  function Till(publishableKey, options) {
    options = options || {};
    if (typeof publishableKey !== "string" || !/^pk_(test|live)_/.test(publishableKey)) {
      throw new Error("Till: give a publishable key (pk_test_... or pk_live_...). A secret " +
                      "key must never reach a browser.");
    }
    var apiBase = String(options.apiBase || scriptOrigin ||
                         (root.location && root.location.origin) || "").replace(/\/+$/, "");
    if (!apiBase) {
      throw new Error("Till: give {apiBase: \"https://your-till.example\"}.");
    }
    var fetchImpl = options.fetch || (typeof root.fetch === "function" ? root.fetch.bind(root) : null);
    var timeoutMs = options.timeout || TIMEOUT_MS;

    async function request(method, path, params) {
      if (!fetchImpl) {
        return {error: connectionError("This browser has no fetch(): Till cannot be called.")};
      }
      var url = apiBase + path;
      var body = encodeForm(params);
      var headers = {"Authorization": "Bearer " + publishableKey, "Accept": "application/json"};
      var init = {method: method, headers: headers, credentials: "omit", cache: "no-store"};
      if (method === "GET") {
        if (body) { url += "?" + body; }
      } else {
        headers["Content-Type"] = "application/x-www-form-urlencoded";
        init.body = body;
      }
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = null;
      if (controller) {
        init.signal = controller.signal;
        timer = setTimeout(function () { controller.abort(); }, timeoutMs);
      }
      var response;
      var data = null;
      try {
        response = await fetchImpl(url, init);
        try { data = await response.json(); } catch (e) { data = null; }
      } catch (e) {
        return {error: connectionError(e && e.name === "AbortError"
          ? "Till did not answer in time. Check your connection and try again."
          : "Could not reach Till. Check your connection and try again.")};
      } finally {
        if (timer !== null) { clearTimeout(timer); }
      }
      if (data && data.error) { return {error: data.error}; }
      if (!response.ok || !data) {
        return {error: {type: "api_error", message: "Till answered HTTP " + response.status +
                                                    " without an error object."}};
      }
      return {data: data};
    }

    /** POST /v1/payment_methods: `{type: "card", card, billing_details, metadata}`. */
    async function createPaymentMethod(data) {
      data = data || {};
      var result = await request("POST", "/v1/payment_methods", {
        type: data.type || "card", card: data.card, billing_details: data.billing_details,
        metadata: data.metadata});
      return result.error ? {error: result.error} : {paymentMethod: result.data};
    }

    /**
     * POST /v1/payment_intents/{id}/confirm with the client secret. `data.payment_method`
     * is an id, or `{card, billing_details}` to create one first. When the intent needs
     * 3-D Secure, the browser goes to the challenge (the promise still resolves, with the
     * intent in `requires_action`), and comes back to `return_url` (by default this page);
     * with `{handleActions: false}` nothing moves: follow `next_action` yourself.
     */
    async function confirmCardPayment(clientSecret, data, confirmOptions) {
      var id = intentIdFromClientSecret(clientSecret);
      if (!id) { return {error: invalidClientSecret()}; }
      var params = Object.assign({}, data || {});
      var handleActions = !confirmOptions || confirmOptions.handleActions !== false;
      if (params.payment_method && typeof params.payment_method === "object") {
        var created = await createPaymentMethod(params.payment_method);
        if (created.error) { return {error: created.error}; }
        params.payment_method = created.paymentMethod.id;
      }
      if (handleActions && !params.return_url && root.location && root.location.href) {
        params.return_url = root.location.href;
      }
      params.client_secret = clientSecret;
      var result = await request("POST", "/v1/payment_intents/" + id + "/confirm", params);
      if (result.error) { return {error: result.error}; }
      var url = actionUrl(result.data);
      if (url && handleActions && root.location) { root.location.assign(url); }
      return {paymentIntent: result.data};
    }

    /** GET /v1/payment_intents/{id}?client_secret=…: what a return_url page checks. */
    async function retrievePaymentIntent(clientSecret) {
      var id = intentIdFromClientSecret(clientSecret);
      if (!id) { return {error: invalidClientSecret()}; }
      var result = await request("GET", "/v1/payment_intents/" + id,
                                 {client_secret: clientSecret});
      return result.error ? {error: result.error} : {paymentIntent: result.data};
    }

    return {
      createPaymentMethod: createPaymentMethod,
      confirmCardPayment: confirmCardPayment,
      retrievePaymentIntent: retrievePaymentIntent,
    };
  }

  // -- Till's own payment page: progressive enhancement ---------------------------------------
  // The page works as a plain form; with JavaScript the inputs are grouped as typed, a
  // mistyped number is caught before the round trip, and the button cannot pay twice.

  function luhnValid(digits) {
    if (!/^\d{12,19}$/.test(digits)) { return false; }
    var total = 0;
    for (var i = 0; i < digits.length; i++) {
      var digit = Number(digits[digits.length - 1 - i]);
      if (i % 2) { digit *= 2; if (digit > 9) { digit -= 9; } }
      total += digit;
    }
    return total % 10 === 0;
  }

  function groupNumber(digits) {
    var groups = /^3[47]/.test(digits) ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var out = [];
    var at = 0;
    for (var i = 0; i < groups.length && at < digits.length; i++) {
      out.push(digits.slice(at, at + groups[i]));
      at += groups[i];
    }
    return out.join(" ");
  }

  function groupExpiry(digits) {
    if (digits.length === 6) { digits = digits.slice(0, 2) + digits.slice(4); }  // MM/YYYY
    if (digits.length === 1 && digits > "1") { digits = "0" + digits; }
    // A year typed in full ("12/20" on the way to "12/2034") keeps its third digit, so the
    // fourth can arrive and the whole shrinks to MM / YY; any other extra digit is dropped.
    var yearEnd = digits.length === 5 && digits.slice(2, 4) === "20" ? 5 : 4;
    return digits.length > 2 ? digits.slice(0, 2) + " / " + digits.slice(2, yearEnd) : digits;
  }

  function formatAtEnd(input, format) {
    // Only while typing at the end: reformatting mid-text would move the caret.
    if (input.selectionStart !== input.value.length) { return; }
    input.value = format(input.value.replace(/\D/g, ""));
  }

  function showFieldError(input, message) {
    var id = input.id + "-error";
    var node = document.getElementById(id);
    if (!node) {
      node = document.createElement("p");
      node.className = "field-error";
      node.id = id;
      input.parentNode.appendChild(node);
    }
    node.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    input.focus();
  }

  function enhanceCardForm(form) {
    var number = form.querySelector("input[name=number]");
    var expiry = form.querySelector("input[name=expiry]");
    // The button that pays (Checkout's "Update total", formnovalidate, only sends quantities).
    var button = form.querySelector("button[type=submit]:not([formnovalidate])");
    if (number) {
      number.addEventListener("input", function () { formatAtEnd(number, groupNumber); });
    }
    if (expiry) {
      expiry.addEventListener("input", function (event) {
        if (event.inputType && event.inputType.indexOf("delete") === 0) { return; }
        formatAtEnd(expiry, groupExpiry);
      });
    }
    form.addEventListener("submit", function (event) {
      // A formnovalidate button sends no card (the page ignores it): nothing to check or lock.
      if (event.submitter && event.submitter.hasAttribute("formnovalidate")) { return; }
      if (number && !luhnValid(number.value.replace(/\D/g, ""))) {
        event.preventDefault();
        showFieldError(number, number.value.trim() ? "Your card number is incorrect."
                                                   : "Your card number is incomplete.");
        return;
      }
      if (form.dataset.submitting) { event.preventDefault(); return; }
      form.dataset.submitting = "1";
      if (button) { button.disabled = true; button.textContent = "Processing…"; }
    });
    // Back from the 3-D Secure page (bfcache): the form is usable again.
    root.addEventListener("pageshow", function () {
      delete form.dataset.submitting;
      if (button) { button.disabled = false; button.textContent = button.dataset.label || button.textContent; }
    });
    if (button) { button.dataset.label = button.textContent; }
  }

  if (typeof document !== "undefined") {
    var enhanceAll = function () {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-till-card-form]"),
                                   enhanceCardForm);
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", enhanceAll);
    } else {
      enhanceAll();
    }
  }

  Till.version = VERSION;
  Till.encodeForm = encodeForm;
  Till.intentIdFromClientSecret = intentIdFromClientSecret;
  Till.enhanceCardForm = enhanceCardForm;
  Till.luhnValid = luhnValid;
  return Till;
});
