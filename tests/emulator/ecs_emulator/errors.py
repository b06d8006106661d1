"""The error catalogue: HTTP status and message per ECS error code.

Entries marked "document" come from the error tables of the API documents named beside them
(AuthorizeSecurityGroupEgress and AuthorizeSecurityGroup unless said); the others are assumptions,
listed in README.md. A `code#variant` key is a second message (and maybe status) for one code.
"""

# code -> (status, message)
CATALOGUE = {
    # document
    'InvalidSecurityGroupId.NotFound': (404, 'The specified SecurityGroupId does not exist.'),
    'InvalidDestGroupId.NotFound': (404, 'The DestGroupId provided does not exist in our records.'),
    'OperationDenied': (400, 'The specified IpProtocol does not exist or IpProtocol and PortRange do not match.'),
    'InvalidIpProtocol.Malformed': (400, 'The specified parameter "PortRange" is not valid.'),
    'InvalidDestGroupId.Mismatch': (403, 'NicType is required or NicType expects intranet.'),
    'InvalidDestGroupId.Mismatch#vpc': (400, 'Specified security group and destination group are not in the same VPC.'),
    'InvalidDestCidrIp.Malformed': (400, 'The specified parameter "DestCidrIp" is not valid.'),
    'InvalidPolicy.Malformed': (400, 'The specified parameter "Policy" is not valid.'),
    'InvalidNicType.ValueNotSupported': (400, 'The specified NicType does not exist.'),
    'AuthorizationLimitExceed': (403, 'The limit of authorization records in the security group reaches.'),
    'InvalidParamter.Conflict': (400, 'The specified SourceCidrIp should be different from the DestCidrIp.'),
    'InvalidPriority.Malformed': (400, 'The parameter Priority is invalid.'),
    'InvalidPriority.ValueNotSupported': (400, 'The parameter Priority is invalid.'),
    'InternalError': (500, 'The request processing has failed due to some unknown error.'),
    'InvalidNetworkType.Conflict': (403, 'The specified SecurityGroup network type should be same with SourceGroup network type (vpc or classic).'),
    'InvalidSecurityGroup.IsSame': (403, 'The authorized SecurityGroupId should be different from the DestGroupId.'),
    'InvalidSecurityGroupDiscription.Malformed': (400, 'The specified security group rule description is not valid.'),
    'MissingParameter.Dest': (400, 'One of the parameters DestCidrIp, DestGroupId or DestPrefixListId must be specified.'),
    'InvalidIpProtocol.ValueNotSupported': (
        400, 'The parameter IpProtocol must be specified with case insensitive TCP, UDP, ICMP, GRE or All.'),
    'InvalidSecurityGroupId.Malformed': (400, 'The specified parameter "SecurityGroupId" is not valid.'),
    'InvalidGressFlow.Malformed': (500, 'The specified parameter GressFlow is not valid,it cause by internal,try calling again.'),
    'InvalidSourcePortRange.Malformed': (400, 'The specified parameter "SourcePortRange" is not valid.'),
    'InvalidParam.SourceIp': (400, '%s'),
    'InvalidParam.DestIp': (400, '%s'),
    'InvalidParam.Ipv6DestCidrIp': (400, '%s'),
    'InvalidParam.Ipv6SourceCidrIp': (400, '%s'),
    'InvalidParam.Ipv4ProtocolConflictWithIpv6Address': (400, '%s'),
    'InvalidParam.Ipv6ProtocolConflictWithIpv4Address': (400, '%s'),
    'ILLEGAL_IPV6_CIDR': (400, '%s'),
    'InvalidOperation.ResourceManagedByCloudProduct': (403, '%s'),
    'InvalidPrefixListId.NotFound': (404, 'The specified prefix list was not found.'),
    'InvalidParam.PrefixListAddressFamilyMismatch': (
        400, 'The address family of the specified prefix list does not match the specified CidrIp.'),
    'NotSupported.ClassicNetworkPrefixList': (
        400, 'The prefix list is not supported when the network type of security group is classic.'),
    # assumed: authentication and transport
    'SignatureDoesNotMatch': (400, 'Specified signature is not matched with our calculation.'),
    'InvalidAccessKeyId.NotFound': (404, 'Specified access key is not found.'),
    'InvalidTimeStamp.Expired': (400, 'Specified time stamp or date value is expired.'),
    'InvalidTimeStamp.Format': (400, 'Specified time stamp or date value is not well formatted.'),
    'SignatureNonceUsed': (400, 'Specified signature nonce was used already.'),
    'MissingSignature': (400, 'Signature is mandatory for this action.'),
    'IncompleteSignature': (400, 'The request signature does not conform to Aliyun standards.'),
    'InvalidSecurityToken.Malformed': (400, 'Specified SecurityToken is missing or malformed.'),
    'InvalidSecurityToken.MismatchWithAccessKey': (400, 'Specified SecurityToken mismatch with the AccessKey.'),
    'InvalidAction.NotFound': (404, 'Specified api is not found, please check your url and method.'),
    'InvalidVersion': (400, 'Specified parameter Version is not valid.'),
    'UnsupportedHTTPMethod': (405, 'This http method is not supported.'),
    'InvalidParameter.Encoding': (400, 'The request is not valid UTF-8 form data.'),
    'RequestTooLarge': (413, 'The request is too large.'),
    'BadRequest': (400, 'The request could not be parsed.'),
    # assumed: throttling and availability (fault injection)
    'Throttling.User': (400, 'Request was denied due to user flow control.'),
    'ServiceUnavailable': (503, 'The request has failed due to a temporary failure of the server.'),
    # assumed: parameters outside the egress document
    'MissingRegionId': (400, 'RegionId is mandatory for this action.'),
    'InvalidRegionId.NotFound': (404, 'The specified RegionId does not exist.'),
    'InvalidClientToken.ValueNotSupported': (400, 'The ClientToken provided is invalid.'),
    'IdempotentParameterMismatch': (400, 'The request uses the same client token as a previous, but non-identical request.'),
    'InvalidSecurityGroupRuleId.NotFound': (404, 'The specified SecurityGroupRuleId does not exist.'),
    'MissingParameter.SecurityGroupRuleId': (400, 'The input parameter "SecurityGroupRuleId" that is mandatory for processing this request is not supplied.'),
    'InvalidSecurityGroupRule.Duplicate': (400, 'The modified rule would be identical to another rule of the security group.'),
    'InvalidParameter.Direction': (400, 'The specified parameter "Direction" is not valid.'),
    'InvalidParameter.MaxResults': (400, 'The specified parameter "MaxResults" is not valid.'),
    'InvalidParameter.PageSize': (400, 'The specified parameter "PageSize" or "PageNumber" is not valid.'),
    'InvalidNextToken': (400, 'The specified parameter "NextToken" is not valid.'),
    'InvalidSecurityGroupIds.Malformed': (400, 'The specified parameter "SecurityGroupIds" is not valid.'),
    'InvalidParameter.Permissions': (400, 'The specified parameter "Permissions" is not valid.'),
    # document (AuthorizeSecurityGroup): the ingress counterparts of the peer codes
    'InvalidSourceGroupId.NotFound': (404, 'The SourceGroupId provided does not exist in our records.'),
    'InvalidSourceGroupId.Mismatch': (403, 'NicType is required or NicType expects intranet.'),
    'InvalidSourceGroupId.Mismatch#vpc': (400, 'Specified security group and source group are not in the same VPC.'),
    'InvalidSourceCidrIp.Malformed': (400, 'The specified parameter "SourceCidrIp" is not valid.'),
    'MissingParameter.Source': (400, 'One of the parameters SourceCidrIp, SourceGroupId or SourcePrefixListId must be specified.'),
    # document (AuthorizeSecurityGroup): a group naming itself as SourceGroupId
    'InvalidParamter.Conflict#self_source': (403, 'The specified SecurityGroupId should be different from the SourceGroupId.'),
    # document (CreateSecurityGroup)
    'InvalidDescription.Malformed': (400, 'The specified parameter "Description" is not valid.'),
    'QuotaExceed.SecurityGroup': (403, 'The maximum number of security groups is reached.'),
    'InvalidVpcId.NotFound': (404, 'Specified VPC does not exist.'),
    'InvalidVpcId.NotFound#empty': (403, 'vpc id must not empty when only support vpc vm.'),
    'InvalidSecurityGroupName.Malformed': (400, 'Specified security group name is not valid.'),
    'InvalidTagKey.Malformed': (400, 'The specified Tag.N.Key is not valid.'),
    'InvalidTagValue.Malformed': (400, 'The specified Tag.N.Value is not valid.'),
    'Duplicate.TagKey': (400, 'The Tag.N.Key contain duplicate key.'),
    # document (ModifySecurityGroupAttribute): the group description, not a rule's
    'InvalidSecurityGroupDiscription.Malformed#group': (400, 'Specified security group description is not valid.'),
    # document (ModifySecurityGroupPolicy)
    'InvalidPolicy.Malformed#inner_access': (400, "The Policy is invalid. Only 'Accept' and 'Drop' are supported. Ignore case."),
    # document (DeleteSecurityGroup); what holds the group is appended (assumed wording)
    'DependencyViolation#instances': (403, 'There is still instance(s) in the specified security group. %s'),
    'DependencyViolation#referenced': (403, 'The specified security group has been authorized in another one. %s'),
    # assumed: the current DeleteSecurityGroup page says network interfaces block a delete too, but gives no message
    'DependencyViolation#network_interfaces': (403, 'There is still network interface(s) in the specified security group. %s'),
    # document (TagResources, UntagResources, ListTagResources)
    'MissingParameter.RegionId': (404, 'The parameter - RegionId should not be null'),
    'MissingParameter.ResourceType': (404, 'The parameter - ResourceType should not be null'),
    'MissingParameter.Tags': (404, 'The parameter - Tags should not be null'),
    'NumberExceed.ResourceIds': (400, "The ResourceIds parameter's number is exceed , Valid : 50"),
    'NumberExceed.Tags': (400, "The Tags parameter's number is exceed , Valid : 20"),
    'InvalidResourceId.NotFound': (404, 'The specified ResourceIds are not found in our records.'),
    'InvalidResourceType.NotFound': (404, 'The ResourceType provided does not exist in our records.'),
    'InvalidTagKey.Malformed#tag_api': (400, 'The specified Tag.n.Key is not valid.'),
    'InvalidTagValue.Malformed#tag_api': (400, 'The specified Tag.n.Value is not valid.'),
    'OperationDenied.QuotaExceed': (400, 'The quota of tags on resource is beyond permitted range.'),
    # assumed: security groups and tags, where the documents give no code (or no status and message)
    'InvalidParameter.SecurityGroupType': (400, 'The specified parameter "SecurityGroupType" is not valid.'),
    'InvalidSecurityGroupType.NotSupportEnterprise#policy': (
        403, 'The inner access policy of an enterprise security group cannot be changed.'),
    'InvalidSecurityGroupType.NotSupportEnterprise#group_peer': (
        403, 'The rules of an enterprise security group cannot reference security groups.'),
    'MissingParameter.ResourceIds': (404, 'The parameter - ResourceIds should not be null'),
    'InvalidParameter.TagValue': (400, 'Tag.N.Value is specified without Tag.N.Key.'),
    'InvalidParameter.TagFilter': (400, 'The parameter TagFilter.N is not supported.'),
    'InvalidParameter.All': (400, 'The specified parameter "All" is not valid.'),
    # temporary keys on either API: 400 in the FPGA-as-a-Service error table of the ECS documents (others say 403)
    'InvalidSecurityToken.Expired': (400, 'Specified SecurityToken is expired.'),
    # document (STS AssumeRole, 2015-04-01): its error-code table; see README.md for the sources
    'InvalidParameter.RoleArn': (400, 'The parameter RoleArn is wrongly formed.'),
    'InvalidParameter.RoleSessionName': (400, 'The parameter RoleSessionName is wrongly formed.'),
    'InvalidParameter.DurationSeconds': (400, 'The Min/Max value of DurationSeconds is 15min/1hr.'),
    'InvalidParameter.PolicyGrammar': (400, 'The parameter Policy has not passed grammar check.'),
    'InvalidParameter.PolicySize': (400, 'The size of Policy must be smaller than 2048 bytes.'),
    'InvalidParameter.ExternalId': (400, 'The parameter ExternalId is wrongly formed.'),
    'NoPermission': (403, 'You are not authorized to do this action. You should be authorized by RAM.'),
    'EntityNotExist.Role': (404, 'The specified Role not exists.'),
    'InternalError#sts': (500, 'STS Server Internal Error happened, please send the RequestId to us.'),
    # document (STS common errors page): a temporary key without its token; the status is assumed
    'MissingSecurityToken': (400, 'SecurityToken is mandatory for this action.'),
    # assumed: DescribePrefixListAttributes without PrefixListId (its document lists only the NotFound codes); the
    # other prefix list actions say the same, and the port range list actions the same of PortRangeListId
    'MissingParameter.PrefixListId': (
        400, 'The input parameter "PrefixListId" that is mandatory for processing this request is not supplied.'),
    'MissingParameter.PortRangeListId': (
        400, 'The input parameter "PortRangeListId" that is mandatory for processing this request is not supplied.'),
    # document (CreatePrefixList, ModifyPrefixList, DeletePrefixList, DescribePrefixLists); `%s` is filled per case
    'MissingParameter': (400, '%s'),
    'InvalidParameter': (400, '%s'),
    'InvalidParameter.AddressFamily': (400, 'The parameter AddressFamily should be IPv4 or IPv6.'),
    'InvalidParameter.PrefixListName': (400, 'The parameter PrefixListName is not valid.'),
    'InvalidDescription.Malformed#prefix_list': (400, 'The specified Description is wrongly formed.'),
    'InvalidParameter.CidrMalformed': (400, '%s'),
    'InvalidParameter.CidrDuplicated': (400, '%s'),
    'LimitExceed.Entry': (400, 'The number of entries added or removed exceeds the limit.'),
    'LimitExceed.MaxEntries': (400, 'The number of entries exceeds the MaxEntries of the specified prefix list.'),
    'LimitExceed.PrefixListPerRegion': (404, 'The number of prefix lists in the region exceeds the limit.'),
    'NotAllowed.AssociationExist': (400, 'The specified prefix list has associated resources.'),
    'LimitExceed.PrefixListId': (400, 'The specified number of PrefixListId exceeds the limit.'),
    # document (CreatePortRangeList, ModifyPortRangeList, DeletePortRangeList, DescribePortRangeLists,
    # DescribePortRangeListEntries, DescribePortRangeListAssociations); the typo is the document's
    'InvalidParam.Entry': (400, 'The specified parameter Entry is not valid.'),
    'InvalidOperation.MaxEntriesCountExceed': (400, 'The specified MaxEntries exceeded the upper limit.'),
    'InvalidOperation.EntryCountExceedMaxEntries': (400, 'The number of entries in the port list exceeds MaxEntries.'),
    'InvalidParameter.PortRange': (
        400, 'The specified parameter PortRange is not valid. It should be two integers less than 65535 in specified format.'),
    'InvalidParameter.PortRangeListName': (400, 'The specified parameter PortRangeListName is not valid.'),
    'LimitExceed.MaxEntries#port_range_list': (400, 'The number of entries exceeds the MaxEntries of the specified PortRangeList.'),
    'InvalidOperation.MaxCountExceed': (400, 'The number of port range list in the current account has exceeded quota.'),
    'InvalidParameter.PortRangeDuplicated': (400, 'The specified PortRange is duplicated.'),
    'InvalidDescription.Malformed#port_range_list': (400, 'The specifid Description is not valid.'),
    'InvalidPortRangeListId.NotFound': (400, 'The specified port range list was not found.'),
    'InvalidPortRangeListId.AssociationExist': (400, 'The specified port range list has association resources.'),
    'LimitExceed.PortRangeListId': (400, 'The specified number of PortRangeListId exceeds the limit.'),
    # document (AuthorizeSecurityGroupEgress): rules over port range lists
    'InvalidParam.ProtocolNotSupportPortRangeList': (400, 'The specified protocol does not support the port range list.'),
    # document (AuthorizeSecurityGroupEgress, whose table has this code for a group of the wrong network type); used
    # for a port range list in a classic group, which the SDK models forbid without naming a code (assumed)
    'InvalidSecurityGroup.InvalidNetworkType': (
        400, 'The specified security group network type is not support this operation, please check the security group network '
             'types. For VPC security groups, ClassicLink must be enabled.'),
    # document (ModifySecurityGroupRule): the code; its message is not in the pages read (assumed)
    'InvalidOperation.ModifyPortRangeType': (
        400, 'A security group rule cannot be changed between a port range list and a port range.'),
    # document (ModifySecurityGroupRule): the same code as Authorize's 403, listed there with 400
    'AuthorizationLimitExceed#modify': (400, 'The limit of authorization records in the security group reaches.'),
}


def catalogue_message(code):
    """The catalogue's message of a code (its `%s` filled with the code), or None for a code it does not know."""
    entry = CATALOGUE.get(code)
    if entry is None:
        return None
    return entry[1] % code if '%s' in entry[1] else entry[1]


class ApiError(Exception):
    """An ECS error answer. `variant` selects a second message registered for the same code.

    With `status`, the code need not be in the catalogue: status and `detail` (the message) are
    answered as given (the fault kind `error` does this).
    """

    def __init__(self, code, detail=None, variant=None, headers=None, status=None):
        if status is not None:
            message = detail
        else:
            key = code + ('#' + variant if variant else '')
            status, message = CATALOGUE[key]
            if '%s' in message:
                message = message % (detail or code)
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.headers = headers or {}
