package dev.fedge.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fedge.api.Config;
import dev.fedge.api.EvaluateRes;
import dev.fedge.api.ParameterLayout;
import dev.fedge.api.Parameters;
import dev.fedge.api.TensorSpec;
import dev.fedge.strategy.codec.Codecs;
import dev.fedge.strategy.codec.Float32Codec;
import dev.fedge.strategy.codec.WireCodec;
import dev.fedge.transport.FederationException;
import dev.fedge.transport.FederationException.Code;
import dev.fedge.transport.ModelRef;
import dev.fedge.transport.TaskSpec;
import dev.fedge.transport.UploadHeader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upload checks alone: no gRPC, no registry. */
class UploadCheckTest {

  static final ParameterLayout LAYOUT = ParameterLayout.of(
      new TensorSpec("conv.weight", new int[] {2, 3}), new TensorSpec("fc.bias", new int[] {4}));
  static final WireCodec FLOAT32 = new Float32Codec();

  private static TaskSpec task(String codec, boolean delta) {
    return new TaskSpec("t-1", TaskSpec.Kind.FIT, 1, "run1", Config.of(),
        new ModelRef("m", 40, new byte[32], 0), LAYOUT, codec, delta);
  }

  private static UploadHeader header(String codec, boolean delta, ParameterLayout layout,
      long length) {
    return new UploadHeader("t-1", 10, Map.of(), length, 0, codec, layout, delta);
  }

  private static Parameters params(float base) {
    float[] v = new float[LAYOUT.totalSize()];
    for (int i = 0; i < v.length; i++) {
      v[i] = base + i;
    }
    return new Parameters(LAYOUT, v);
  }

  private static FederationException refused(Runnable r) {
    return assertThrows(FederationException.class, r::run);
  }

  @Test
  void aMatchingHeader_passes() {
    UploadCheck.header(task("float32", false), FLOAT32, header("float32", false, LAYOUT, 40));
  }

  @Test
  void headers_thatDoNotMatchTheTask_areRefusedWithWhatDiffers() {
    TaskSpec t = task("float32", false);
    FederationException codec =
        refused(() -> UploadCheck.header(t, FLOAT32, header("int8", false, LAYOUT, 40)));
    assertEquals(Code.INVALID_ARGUMENT, codec.code());
    assertEquals("upload codec 'int8' does not match the task's 'float32'", codec.getMessage());
    assertEquals("upload is a difference, the task asks for the trained model",
        refused(() -> UploadCheck.header(t, FLOAT32, header("float32", true, LAYOUT, 40)))
            .getMessage());
    ParameterLayout wide = ParameterLayout.of(
        new TensorSpec("conv.weight", new int[] {3, 3}), new TensorSpec("fc.bias", new int[] {4}));
    assertEquals("upload layout does not match the model: tensor 'conv.weight' has shape [3, 3],"
        + " the model's is [2, 3]",
        refused(() -> UploadCheck.header(t, FLOAT32, header("float32", false, wide, 52)))
            .getMessage());
    FederationException big =
        refused(() -> UploadCheck.header(t, FLOAT32, header("float32", false, LAYOUT, 41)));
    assertEquals(Code.RESOURCE_EXHAUSTED, big.code());
    FederationException small =
        refused(() -> UploadCheck.header(t, FLOAT32, header("float32", false, LAYOUT, 39)));
    assertEquals(Code.INVALID_ARGUMENT, small.code());
    assertEquals("update of 39 bytes does not match the model: it takes 40 bytes as float32",
        small.getMessage());
  }

  @Test
  void decode_returnsTheTrainedModel_andADifferenceIsAddedToTheGlobalModel() {
    Parameters trained = params(1f);
    byte[] full = FLOAT32.encode(trained);
    assertArrayEquals(trained.values(),
        UploadCheck.decode(task("float32", false), FLOAT32, params(0f), full).values());
    WireCodec fp16 = Codecs.byName("float16");
    Parameters diff = new Parameters(LAYOUT, new float[LAYOUT.totalSize()]);
    diff.values()[3] = 0.5f;
    Parameters rebuilt =
        UploadCheck.decode(task(fp16.name(), true), fp16, params(2f), fp16.encode(diff));
    assertEquals(5.5f, rebuilt.values()[3]);
    assertEquals(2f, rebuilt.values()[0]);
  }

  @Test
  void decode_marksItsScannedResult_soTheStrategyDoesNotScanAgain() {
    Parameters p = UploadCheck.decode(task("float32", false), FLOAT32, params(0f),
        FLOAT32.encode(params(1f)));
    assertTrue(p.checkedFinite());
    assertFalse(params(1f).checkedFinite());
    assertFalse(p.copy().checkedFinite());
  }

  @Test
  void nonFiniteValues_areRefused_namingIndexAndTensor() {
    Parameters p = params(0f);
    p.values()[7] = Float.NaN;
    FederationException e = refused(() ->
        UploadCheck.decode(task("float32", false), FLOAT32, params(0f), FLOAT32.encode(p)));
    assertEquals(Code.INVALID_ARGUMENT, e.code());
    assertEquals("update has a non-finite value (NaN) at index 7, in tensor 'fc.bias'",
        e.getMessage());
  }

  @Test
  void undecodableBytes_areRefused() {
    assertEquals(Code.INVALID_ARGUMENT, refused(() ->
        UploadCheck.decode(task("float32", false), FLOAT32, params(0f), new byte[12])).code());
  }

  @Test
  void evaluations_needAFiniteLoss() {
    UploadCheck.evaluation(new EvaluateRes(0.5, 10, Map.of()));
    FederationException e =
        refused(() -> UploadCheck.evaluation(new EvaluateRes(Double.POSITIVE_INFINITY, 10, Map.of())));
    assertEquals("evaluation loss must be finite, got Infinity", e.getMessage());
  }

  @Test
  void retrievalEvaluations_haveNoLoss_butTheirRanksMustBeFractions() {
    UploadCheck.evaluation(new EvaluateRes(Double.NaN, 4,
        Map.of("rank1", 0.5, "rank5", 0.75, "rank10", 1.0, "mAP", 0.4)));
    FederationException e = refused(() -> UploadCheck.evaluation(
        new EvaluateRes(Double.NaN, 4, Map.of("rank1", 1.5, "mAP", 0.4))));
    FederationException nan = refused(() -> UploadCheck.evaluation(
        new EvaluateRes(Double.NaN, 4, Map.of("rank1", 0.5, "mAP", Double.NaN))));

    assertEquals("retrieval metric rank1 must be in [0, 1], got 1.5", e.getMessage());
    assertEquals("retrieval metric mAP must be in [0, 1], got NaN", nan.getMessage());
  }
}
