/**
 * What authenticator extensions offer receivers and exporters: checking a request's headers
 * ({@link dev.tapio.auth.ServerAuthenticator}) and the headers to send
 * ({@link dev.tapio.auth.ClientAuthenticator}). In the API jar so every plugin's class loader
 * sees one type.
 */
package dev.tapio.auth;
