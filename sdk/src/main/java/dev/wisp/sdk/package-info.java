/**
 * The Java client of Wisp's REST API (docs/api.md): {@link dev.wisp.sdk.WispClient} for every
 * route, records for every shape (checked against the server's OpenAPI document by the control
 * plane's tests), {@link dev.wisp.sdk.WispApiException} with the API's stable error codes, and
 * server-sent events with reconnect. Uses only the JDK's HTTP client and Jackson.
 */
package dev.wisp.sdk;
