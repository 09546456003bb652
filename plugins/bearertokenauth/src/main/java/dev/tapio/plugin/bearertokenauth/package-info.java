/**
 * The {@code bearertokenauth} extension, as the Collector's: receivers refuse requests without
 * the token ({@link dev.tapio.auth.ServerAuthenticator}), exporters send it
 * ({@link dev.tapio.auth.ClientAuthenticator}).
 *
 * <p>Configuration keys, with defaults:
 *
 * <ul>
 *   <li>{@code token: ""} — the token; exactly one of {@code token} and {@code filename}.
 *   <li>{@code filename: ""} — a file holding the token; re-read when its modification time
 *       changes (checked at most once a second), so it can be rotated without a restart.
 *   <li>{@code scheme: Bearer} — written before the token; empty sends the bare token.
 *   <li>{@code header: Authorization} — the header carrying it.
 * </ul>
 *
 * <p>Not supported yet (refused with the reason; the plugin's README lists it): the Collector's
 * {@code tokens}, a list of tokens of which a request may carry any.
 */
package dev.tapio.plugin.bearertokenauth;
