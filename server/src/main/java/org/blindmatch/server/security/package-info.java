/**
 * Transport security for blindmatch servers: mutual TLS 1.3 with the federation CA as the
 * only trust anchor ({@link org.blindmatch.core.transport.MutualTls}), the caller's
 * {@link org.blindmatch.crypto.pki.NodeIdentity} taken from its certificate
 * ({@link org.blindmatch.server.security.IdentityInterceptor}), and deny-by-default
 * authorization of RPCs by role ({@link org.blindmatch.server.security.AuthorizationPolicy}).
 * Install the interceptors with {@link org.blindmatch.server.security.SecurityInterceptors}.
 */
package org.blindmatch.server.security;

import org.blindmatch.core.transport.MutualTls;
