package org.recallctl.error;

/** MySQL, Redis or Milvus is unreachable or failed: exit 4. {@link #dependency()} names which. */
public class DependencyException extends RecallctlException {
    private final String dependency;

    public DependencyException(String dependency, String message, Throwable cause) {
        super(ExitCodes.DEPENDENCY, message, cause);
        this.dependency = dependency;
    }

    public DependencyException(String dependency, String message) {
        this(dependency, message, null);
    }

    public String dependency() {
        return dependency;
    }
}
