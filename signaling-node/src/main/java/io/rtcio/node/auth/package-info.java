/** Authentication of the namespace CONNECT: the Authenticator seam, JWT verification, identities. */
package io.rtcio.node.auth;
