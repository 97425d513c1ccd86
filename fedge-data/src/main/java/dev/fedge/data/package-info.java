/**
 * Data sets and partitions: readers for the real file formats (IDX, CIFAR binary, image folders),
 * locating and downloading data sets, and partitioners that split a data set across clients.
 */
package dev.fedge.data;
