# Cluster prod: platform team.
module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.31"

  cluster_name    = "prod"
  cluster_version = "1.31"

  vpc_id     = "vpc-0a1b2c3d4e5f60718"
  subnet_ids = var.private_subnet_ids

  cluster_addons = {
    vpc-cni = {
      addon_version = "v1.19.2-eksbuild.1"
      configuration_values = jsonencode({
        env = {
          ENABLE_POD_ENI = "true" # security groups for pods
        }
      })
    }
  }

  eks_managed_node_group_defaults = {
    ami_type               = "AL2_x86_64"
    vpc_security_group_ids = [aws_security_group.nodes.id]
  }

  eks_managed_node_groups = {
    # General workloads.
    ng-general = {
      use_name_prefix = false
      instance_types  = ["m5.large"]
      min_size        = 2
      max_size        = 6
      desired_size    = 3

      bootstrap_extra_args = "--use-max-pods false --kubelet-extra-args '--max-pods=29'"
      labels               = { team = "platform" }
    }

    # Pods with their own security groups (security groups for pods).
    ng-sgp = {
      use_name_prefix = false
      instance_types  = ["m5.xlarge"]
      min_size        = 1
      max_size        = 4

      bootstrap_extra_args = "--use-max-pods false --kubelet-extra-args '--max-pods=58 --node-labels=sgp=true'"
      labels               = { team = "platform", sgp = "true" }
    }

    # Short-lived debugging group.
    ng-debug = {
      use_name_prefix = false
      instance_types  = ["t3.medium"]
      desired_size    = 1

      remote_access = {
        ec2_ssh_key = "ops-debug"
      }
    }
  }
}
