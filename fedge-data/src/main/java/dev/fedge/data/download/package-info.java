/**
 * Downloading data files: an HTTP downloader that verifies checksums and writes through a temporary
 * file, a progress bar, checksums, and a small tar.gz extractor (JDK only).
 */
package dev.fedge.data.download;
