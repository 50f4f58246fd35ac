/** Shared, configured JSON plumbing (not exported). */
package dev.jcni.internal.json;
