/** The GraphQL documents the dashboard sends, and the shapes of their answers (schema/*.graphql). */

export interface FacetCount {
  readonly value: string | null;
  readonly count: number;
}

export interface OpennessBucket {
  readonly start: string;
  readonly total: number;
  readonly levels: readonly { readonly level: string; readonly count: number }[];
}

export interface ModelRow {
  readonly id: string;
  readonly hub: string;
  readonly repoId: string;
  readonly url: string;
  readonly task: string | null;
  readonly parameterCount: number | string | null;
  readonly downloads: number;
  readonly license: { readonly id: string; readonly category: string; readonly commercialUse: string } | null;
  readonly openness: { readonly level: string; readonly score: number } | null;
}

export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

export interface DashboardData {
  readonly stats: {
    readonly totalCount: number;
    readonly byOpennessLevel: readonly FacetCount[];
    readonly byLicenseCategory: readonly FacetCount[];
    readonly opennessOverTime: readonly OpennessBucket[];
  };
  readonly models: {
    readonly totalCount: number;
    readonly pageInfo: PageInfo;
    readonly nodes: readonly ModelRow[];
  };
}

/** The charts and one page of the table, for one filter, in one request. */
export const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard(
    $filter: ModelFilter
    $orderBy: ModelOrder
    $interval: TimeInterval!
    $first: Int
    $after: String
    $last: Int
    $before: String
  ) {
    stats(filter: $filter) {
      totalCount
      byOpennessLevel {
        value
        count
      }
      byLicenseCategory {
        value
        count
      }
      opennessOverTime(interval: $interval) {
        start
        total
        levels {
          level
          count
        }
      }
    }
    models(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      nodes {
        id
        hub
        repoId
        url
        task
        parameterCount
        downloads
        license {
          id
          category
          commercialUse
        }
        openness {
          level
          score
        }
      }
    }
  }
`;

export interface Choices {
  readonly hubs: readonly {
    readonly id: string;
    readonly name: string;
    readonly kind: string;
    readonly modelCount: number;
  }[];
  readonly stats: { readonly byTask: readonly FacetCount[] };
}

/** What the filters offer: the hubs that hold models, and the most common tasks. */
export const CHOICES_QUERY = /* GraphQL */ `
  query DashboardChoices {
    hubs {
      id
      name
      kind
      modelCount
    }
    stats {
      byTask(limit: 60) {
        value
        count
      }
    }
  }
`;

export interface ModelDetail {
  readonly id: string;
  readonly hub: string;
  readonly repoId: string;
  readonly author: string | null;
  readonly url: string;
  readonly task: string | null;
  readonly library: string | null;
  readonly gated: string | null;
  readonly parameterCount: number | string | null;
  readonly downloads: number;
  readonly likes: number;
  readonly createdAt: string | null;
  readonly lastModified: string | null;
  readonly removedAt: string | null;
  readonly cardSummary: string | null;
  readonly license: {
    readonly id: string;
    readonly name: string;
    readonly category: string;
    readonly commercialUse: string;
    readonly osiApproved: boolean;
    readonly url: string | null;
    readonly hubValue: string | null;
  } | null;
  readonly openness: {
    readonly level: string;
    readonly mofClass: string;
    readonly score: number;
    readonly missingComponents: readonly string[];
    readonly rulesVersion: string;
    readonly assessedAt: string;
    readonly weights: { readonly availability: string; readonly formats: readonly string[] };
    readonly code: { readonly inference: string; readonly training: string };
    readonly data: { readonly training: string };
    readonly documentation: { readonly modelCard: string; readonly paper: string; readonly evaluation: string };
    readonly evidence: readonly {
      readonly dimension: string;
      readonly status: string;
      readonly source: string;
      readonly value: string | null;
      readonly rule: string;
    }[];
    readonly references: readonly {
      readonly source: string;
      readonly name: string;
      readonly class: string | null;
      readonly score: number | null;
      readonly grades: unknown;
      readonly url: string | null;
      readonly sourceVersion: string | null;
      readonly fetchedAt: string;
    }[];
  } | null;
  readonly baseModels: readonly { readonly id: string }[];
  readonly sameAs: readonly { readonly id: string; readonly hub: string; readonly url: string }[];
  readonly hubData: Record<string, unknown> | null;
  readonly history: {
    readonly nodes: readonly {
      readonly id: string;
      readonly kind: string;
      readonly occurredAt: string;
      readonly changedFields: readonly string[];
    }[];
  };
}

export const MODEL_QUERY = /* GraphQL */ `
  query DashboardModel($id: ID!) {
    model(id: $id) {
      id
      hub
      repoId
      author
      url
      task
      library
      gated
      parameterCount
      downloads
      likes
      createdAt
      lastModified
      removedAt
      cardSummary
      license {
        id
        name
        category
        commercialUse
        osiApproved
        url
        hubValue
      }
      openness {
        level
        mofClass
        score
        missingComponents
        rulesVersion
        assessedAt
        weights {
          availability
          formats
        }
        code {
          inference
          training
        }
        data {
          training
        }
        documentation {
          modelCard
          paper
          evaluation
        }
        evidence {
          dimension
          status
          source
          value
          rule
        }
        references {
          source
          name
          class
          score
          grades
          url
          sourceVersion
          fetchedAt
        }
      }
      baseModels {
        id
      }
      sameAs {
        id
        hub
        url
      }
      hubData
      history(first: 10) {
        nodes {
          id
          kind
          occurredAt
          changedFields
        }
      }
    }
  }
`;

export interface LiveChange {
  readonly id: string;
  readonly kind: string;
  readonly occurredAt: string;
  readonly changedFields: readonly string[];
  readonly modelId: string;
  readonly model: {
    readonly license: { readonly category: string } | null;
    readonly openness: { readonly level: string } | null;
  };
}

export const CHANGES_SUBSCRIPTION = /* GraphQL */ `
  subscription DashboardChanges($filter: ChangeFilter, $after: String) {
    modelChanged(filter: $filter, after: $after) {
      id
      kind
      occurredAt
      changedFields
      modelId
      model {
        license {
          category
        }
        openness {
          level
        }
      }
    }
  }
`;
