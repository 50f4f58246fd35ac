/**
 * CNI spec versions, the versioned result types (0.1.0/0.2.0, 0.3.x/0.4.0, 1.x), plugin errors and
 * VERSION replies, and conversion between result versions (SPEC.md section 5).
 */
package dev.jcni.result;
