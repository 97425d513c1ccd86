/**
 * The accuracy study ({@code fedge bench accuracy}): a grid of (algorithm, partition, seed) cells,
 * each a resumable simulation whose per-round CSV, settings JSON and (while unfinished)
 * global-model checkpoint live under a results folder, and a report (table and plots) built from
 * those files alone.
 */
package dev.fedge.server.study;
