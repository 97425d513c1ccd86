/** Reports a person would rather look at than read: SVG line plots of metrics per round. */
package dev.fedge.server.report;
