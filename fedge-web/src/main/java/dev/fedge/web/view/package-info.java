/**
 * The web face's view of the federation server: read-only snapshots of devices, runs, rounds and
 * events ({@link dev.fedge.web.view.ServerView}), and the write side that starts and stops runs
 * ({@link dev.fedge.web.view.RunControl}).
 */
package dev.fedge.web.view;
