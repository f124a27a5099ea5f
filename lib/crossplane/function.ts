import { Construct } from 'constructs';
import { Function as FunctionL1 } from '../../imports/crossplane/pkg.crossplane.io';
import { PackageProps, packageSpec } from './package-common';
import { PlatformResource } from '../core/resource';

/** Props of the well-known function factories. */
export interface KnownFunctionProps extends Omit<PackageProps, 'name' | 'package'> {
  /** Release tag. */
  readonly version: string;
  /** Registry and repository. @default 'xpkg.crossplane.io/crossplane-contrib' */
  readonly repository?: string;
}

/**
 * A composition function package (`pkg.crossplane.io/v1` Function). Compositions refer to it by
 * name (`functionRef`), so the default names of {@link patchAndTransform} and {@link autoReady}
 * match the defaults of `Composition.addPatchAndTransform()` / `addAutoReady()`.
 *
 * @example
 * CrossplaneFunction.patchAndTransform(folder, 'patch-and-transform', { version: 'v0.10.8' });
 * CrossplaneFunction.autoReady(folder, 'auto-ready', { version: 'v0.6.1' });
 * new CrossplaneFunction(folder, 'kcl', { name: 'function-kcl', package: 'xpkg.crossplane.io/crossplane-contrib/function-kcl:v0.11.2' });
 */
export class CrossplaneFunction extends PlatformResource {
  /** function-patch-and-transform, named `function-patch-and-transform`. */
  public static patchAndTransform(scope: Construct, id: string, props: KnownFunctionProps): CrossplaneFunction {
    return CrossplaneFunction.known(scope, id, 'function-patch-and-transform', props);
  }

  /** function-auto-ready, named `function-auto-ready`. */
  public static autoReady(scope: Construct, id: string, props: KnownFunctionProps): CrossplaneFunction {
    return CrossplaneFunction.known(scope, id, 'function-auto-ready', props);
  }

  private static known(scope: Construct, id: string, name: string, props: KnownFunctionProps): CrossplaneFunction {
    return new CrossplaneFunction(scope, id, { ...props, name, package: `${props.repository ?? 'xpkg.crossplane.io/crossplane-contrib'}/${name}:${props.version}` });
  }

  public readonly package: string;
  public readonly apiObject: FunctionL1;

  public constructor(scope: Construct, id: string, props: PackageProps) {
    super(scope, id);
    const spec = packageSpec(this, props);
    this.package = props.package;
    this.apiObject = new FunctionL1(this, 'Resource', { metadata: { name: props.name }, spec: spec as any });
  }
}
