/**
 * Re-identification data: samples (image, identity, camera) in train, query and gallery splits,
 * readers for the VeRi-776 and Market-1501 layouts, and CMC/mAP evaluation from embeddings.
 */
package dev.fedge.data.reid;
