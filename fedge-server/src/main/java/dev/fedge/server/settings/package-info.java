/**
 * The settings of a run: one typed record ({@link dev.fedge.server.settings.RunSettings}) that
 * YAML files, the API's JSON and the command-line flags bind to, validated in one place.
 */
package dev.fedge.server.settings;
