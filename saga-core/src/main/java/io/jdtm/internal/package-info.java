/**
 * Engine internals: not API, may change in any release. Public only where another jdtm package
 * needs it.
 */
package io.jdtm.internal;
