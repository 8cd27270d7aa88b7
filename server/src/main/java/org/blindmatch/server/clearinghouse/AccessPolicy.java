package org.blindmatch.server.clearinghouse;

import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import org.blindmatch.crypto.pki.Role;
import org.blindmatch.proto.v1.AdminServiceGrpc;
import org.blindmatch.proto.v1.AuditServiceGrpc;
import org.blindmatch.proto.v1.MatchServiceGrpc;
import org.blindmatch.proto.v1.NodeServiceGrpc;
import org.blindmatch.proto.v1.ResultServiceGrpc;
import org.blindmatch.proto.v1.ScopeServiceGrpc;
import org.blindmatch.proto.v1.SubmissionServiceGrpc;
import org.blindmatch.server.security.AuthorizationPolicy;

/**
 * Which role may call which clearinghouse RPC. Anything not listed is denied. Services add
 * finer checks (a platform submits reports, an NGO watchlists; each reads only its own).
 */
final class AccessPolicy {
  private AccessPolicy() {}

  static AuthorizationPolicy clearinghouse() {
    Role[] all = Role.values();
    return AuthorizationPolicy.builder()
        .allow(SubmissionServiceGrpc.getUploadMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO, Role.CLEARINGHOUSE)
        .allow(SubmissionServiceGrpc.getGetUploadStatusMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO, Role.CLEARINGHOUSE)
        .allow(SubmissionServiceGrpc.getCommitMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO, Role.CLEARINGHOUSE)
        .allow(NodeServiceGrpc.getRegisterSigningKeyMethod().getFullMethodName(), all)
        .allow(ScopeServiceGrpc.getGetScopeMethod().getFullMethodName(), all)
        .allow(MatchServiceGrpc.getStartRunMethod().getFullMethodName(), Role.CLEARINGHOUSE)
        .allow(ResultServiceGrpc.getGetResultsMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO, Role.CLEARINGHOUSE)
        .allow(ResultServiceGrpc.getListResultsMethod().getFullMethodName(),
            Role.PLATFORM, Role.NGO, Role.CLEARINGHOUSE)
        .allow(AdminServiceGrpc.getListSubmissionsMethod().getFullMethodName(),
            Role.CLEARINGHOUSE)
        .allow(AdminServiceGrpc.getListRunsMethod().getFullMethodName(),
            Role.CLEARINGHOUSE, Role.AUDITOR)
        .allow(AuditServiceGrpc.getGetSignedTreeHeadMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE, Role.PLATFORM, Role.NGO)
        .allow(AuditServiceGrpc.getGetInclusionProofMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE, Role.PLATFORM, Role.NGO)
        .allow(AuditServiceGrpc.getGetConsistencyProofMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE)
        .allow(AuditServiceGrpc.getGetEntriesMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE)
        .allow(AuditServiceGrpc.getGetSubmissionRecordsMethod().getFullMethodName(),
            Role.AUDITOR)
        .allow(AuditServiceGrpc.getGetCheckpointMethod().getFullMethodName(),
            Role.AUDITOR, Role.CLEARINGHOUSE, Role.PLATFORM, Role.NGO)
        .allow(AuditServiceGrpc.getAddCosignatureMethod().getFullMethodName(), Role.AUDITOR)
        .allow(HealthGrpc.getCheckMethod().getFullMethodName(), all)
        .allow(HealthGrpc.getWatchMethod().getFullMethodName(), all)
        .allow(ServerReflectionGrpc.getServerReflectionInfoMethod().getFullMethodName(), all)
        .build();
  }
}
