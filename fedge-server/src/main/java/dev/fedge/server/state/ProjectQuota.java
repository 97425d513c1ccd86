package dev.fedge.server.state;

import dev.fedge.server.store.ModelKey;
import dev.fedge.server.store.ModelStore;
import dev.fedge.server.store.Quota;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Each project's model store quota ({@link ProjectRecord#quotaBytes}): a save that would take the
 * bytes of the project's models (those of every model store {@code group/project} that belongs to
 * it, see {@link ProjectStore#modelProjects}) over it is refused, naming the project and the quota.
 */
public final class ProjectQuota implements Quota {

  private final ProjectStore projects;

  /** The quotas of these projects. */
  public ProjectQuota(ProjectStore projects) {
    this.projects = projects;
  }

  @Override
  public void check(ModelStore store, ModelKey key, long bytes) {
    Map<String, String> owners = projects.modelProjects();
    String owner = owners.getOrDefault(key.group() + "/" + key.project(), ProjectRecord.DEFAULT);
    long quota = projects.project(owner).map(ProjectRecord::quotaBytes).orElse(0L);
    if (quota == 0) {
      return;
    }
    try {
      Set<String> mine = new LinkedHashSet<>();
      for (ModelKey k : store.list()) {
        String gp = k.group() + "/" + k.project();
        if (owner.equals(owners.getOrDefault(gp, ProjectRecord.DEFAULT))) {
          mine.add(gp);
        }
      }
      mine.add(key.group() + "/" + key.project());
      long used = 0;
      for (String gp : mine) {
        int slash = gp.indexOf('/');
        used += store.bytes(gp.substring(0, slash), gp.substring(slash + 1));
      }
      long after = used - store.bytes(key) + bytes;
      if (after > quota) {
        throw new QuotaExceededException("project '" + owner + "' has a model store quota of "
            + quota + " bytes: saving " + key + " (" + bytes + " bytes) would make " + after
            + " bytes; it was not saved, and nothing saved before is lost");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the model store of project '" + owner
          + "': " + e.getMessage(), e);
    }
  }
}
